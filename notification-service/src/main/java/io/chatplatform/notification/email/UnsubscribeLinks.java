package io.chatplatform.notification.email;

import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Links;
import io.chatplatform.notification.push.VapidKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Unsubscribe links that work without signing in: the token is the user id and an HMAC of it, so only this service
 * can make one and a token turns off email for its own user only.
 */
@Component
public class UnsubscribeLinks {

    static final String PATH = "/api/notifications/unsubscribe";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final Mono<byte[]> secret;
    private final String publicUrl;

    UnsubscribeLinks(VapidKeys keys, NotificationProperties properties) {
        this.secret = keys.derivedSecret("email-unsubscribe");
        this.publicUrl = properties.email().publicUrl();
    }

    /** The link for the user's emails. */
    public Mono<String> linkFor(String userId) {
        return secret.map(key -> Links.withQuery(publicUrl, PATH, "token", userId + "." + sign(key, userId)));
    }

    /** The user a token was made for, or empty for a forged or damaged token. */
    Mono<Optional<String>> userOf(String token) {
        int dot = token == null ? -1 : token.lastIndexOf('.');
        if (dot <= 0) {
            return Mono.just(Optional.empty());
        }
        String userId = token.substring(0, dot);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return secret.map(key -> MessageDigest.isEqual(given, sign(key, userId).getBytes(StandardCharsets.US_ASCII))
                ? Optional.of(userId)
                : Optional.empty());
    }

    private static String sign(byte[] key, String userId) {
        return URL.encodeToString(VapidKeys.hmacSha256(key, userId));
    }
}
