package io.chatplatform.notification.email;

import io.chatplatform.notification.preference.PreferenceStore;
import io.chatplatform.notification.preference.Preferences;
import io.chatplatform.support.problem.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The unsubscribe link of digest emails: GET from a mail reader's link, POST from a one-click unsubscribe
 * (RFC 8058). Either turns email notifications off for the token's user; pushes stay as they are.
 */
@RestController
class UnsubscribeController {

    private final UnsubscribeLinks links;
    private final PreferenceStore preferences;

    UnsubscribeController(UnsubscribeLinks links, PreferenceStore preferences) {
        this.links = links;
        this.preferences = preferences;
    }

    @GetMapping(path = UnsubscribeLinks.PATH, produces = MediaType.TEXT_HTML_VALUE)
    Mono<String> unsubscribeFromLink(@RequestParam String token) {
        return unsubscribe(token).thenReturn(EmailLayout.page("Unsubscribed",
                "<p>You will get no more notification emails. You can turn them on again in the settings.</p>",
                null));
    }

    @PostMapping(UnsubscribeLinks.PATH)
    Mono<Void> unsubscribeOneClick(@RequestParam String token) {
        return unsubscribe(token);
    }

    private Mono<Void> unsubscribe(String token) {
        return links.userOf(token)
                .flatMap(user -> user
                        .map(userId -> preferences.of(userId)
                                .map(Preferences::withoutEmail)
                                .flatMap(preferences::save)
                                .then())
                        .orElseGet(() -> Mono.error(new ApiException(HttpStatus.BAD_REQUEST,
                                "The unsubscribe link is not valid."))));
    }
}
