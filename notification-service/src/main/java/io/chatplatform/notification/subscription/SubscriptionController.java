package io.chatplatform.notification.subscription;

import io.chatplatform.notification.push.VapidKeys;
import io.chatplatform.notification.web.CallerAuthentication;
import io.chatplatform.notification.web.Problems;
import io.chatplatform.support.problem.ApiException;
import io.chatplatform.support.problem.InvalidField;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The VAPID public key and the caller's push subscriptions (one per browser and device). */
@RestController
@RequestMapping("/api/notifications")
class SubscriptionController {

    private static final int MAX_ENDPOINT = 2048;

    private final PushSubscriptions subscriptions;
    private final VapidKeys vapidKeys;

    SubscriptionController(PushSubscriptions subscriptions, VapidKeys vapidKeys) {
        this.subscriptions = subscriptions;
        this.vapidKeys = vapidKeys;
    }

    /** The browser's {@code PushSubscription.toJSON()}, plus an optional device label. */
    record SubscriptionRequest(
            @NotBlank @Size(max = MAX_ENDPOINT) String endpoint,
            Long expirationTime,
            @NotNull @Valid Keys keys,
            @Size(max = 100) String device) {
    }

    /** The browser's keys, base64url without padding as browsers give them. */
    record Keys(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{86,88}={0,2}", message = "must be a base64url P-256 public key")
            String p256dh,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{22,24}={0,2}", message = "must be a base64url 16-byte secret")
            String auth) {
    }

    record SubscriptionView(String id, String endpoint, String device, Instant createdAt) {

        static SubscriptionView of(PushSubscription subscription) {
            return new SubscriptionView(subscription.id(), subscription.endpoint(), subscription.device(),
                    subscription.createdAt());
        }
    }

    @GetMapping("/vapid-public-key")
    Mono<Map<String, String>> vapidPublicKey() {
        return vapidKeys.publicKey().map(key -> Map.of("publicKey", key));
    }

    @PostMapping("/subscriptions")
    Mono<ResponseEntity<SubscriptionView>> subscribe(@Valid @RequestBody SubscriptionRequest request,
                                                     ServerWebExchange exchange) {
        String caller = CallerAuthentication.caller(exchange);
        checkEndpoint(request.endpoint());
        String p256dh = stripPadding(request.keys().p256dh());
        String auth = stripPadding(request.keys().auth());
        checkKeys(p256dh, auth);
        return subscriptions.register(caller, request.endpoint(), p256dh, auth, blankToNull(request.device()))
                .map(registered -> ResponseEntity.status(registered.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(SubscriptionView.of(registered.subscription())));
    }

    @GetMapping("/subscriptions")
    Mono<Map<String, List<SubscriptionView>>> list(ServerWebExchange exchange) {
        return subscriptions.ofUser(CallerAuthentication.caller(exchange))
                .map(SubscriptionView::of)
                .collectList()
                .map(items -> Map.of("items", items));
    }

    @DeleteMapping("/subscriptions/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> unsubscribe(@PathVariable String id, ServerWebExchange exchange) {
        return subscriptions.remove(CallerAuthentication.caller(exchange), id).then();
    }

    @DeleteMapping("/subscriptions")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> unsubscribeEndpoint(@RequestParam String endpoint, ServerWebExchange exchange) {
        return subscriptions.removeEndpoint(CallerAuthentication.caller(exchange), endpoint).then();
    }

    /** Push services are reached over HTTP(S) only; anything else would make this service call arbitrary schemes. */
    private static void checkEndpoint(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw invalid("endpoint", "must be an absolute https URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            throw invalid("endpoint", "must be an absolute https URL");
        }
    }

    private static void checkKeys(String p256dh, String auth) {
        byte[] publicKey = Base64.getUrlDecoder().decode(p256dh);
        if (publicKey.length != 65 || publicKey[0] != 4) {
            throw invalid("keys.p256dh", "must be an uncompressed P-256 point (65 bytes)");
        }
        if (Base64.getUrlDecoder().decode(auth).length != 16) {
            throw invalid("keys.auth", "must be 16 bytes");
        }
    }

    private static ApiException invalid(String field, String message) {
        return Problems.invalid("Invalid subscription", List.of(new InvalidField(field, message)));
    }

    private static String stripPadding(String value) {
        return value.replace("=", "");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
