package io.chatplatform.notification.email;

import static io.chatplatform.notification.email.EmailLayout.escape;
import static io.chatplatform.notification.email.EmailLayout.link;

import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Links;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The account emails auth-service asks for: verify an address, reset a password. Their links carry the token. */
@Component
public class AuthEmails {

    private final NotificationProperties.Email settings;

    AuthEmails(NotificationProperties properties) {
        this.settings = properties.email();
    }

    public Email verification(String to, String name, String token) {
        String url = url(settings.verifyPath(), token);
        String text = """
                Hello %s,

                please confirm your email address by opening this link:
                %s

                If you did not create an account, ignore this email.
                """.formatted(name, url);
        String html = EmailLayout.page("Confirm your email address",
                "<p>Hello " + escape(name) + ",</p><p>please confirm your email address: "
                        + link(url, "confirm my address") + "</p>"
                        + "<p>If you did not create an account, ignore this email.</p>",
                null);
        return new Email(to, "Confirm your email address", text, html, Map.of());
    }

    public Email passwordReset(String to, String name, String token) {
        String url = url(settings.resetPath(), token);
        String text = """
                Hello %s,

                someone asked to reset your password. To choose a new one, open this link:
                %s

                If it was not you, ignore this email; your password stays as it is.
                """.formatted(name, url);
        String html = EmailLayout.page("Reset your password",
                "<p>Hello " + escape(name) + ",</p><p>someone asked to reset your password. "
                        + link(url, "Choose a new password") + "</p>"
                        + "<p>If it was not you, ignore this email; your password stays as it is.</p>",
                null);
        return new Email(to, "Reset your password", text, html, Map.of());
    }

    private String url(String path, String token) {
        return Links.withQuery(settings.publicUrl(), path, "token", token);
    }
}
