package io.chatplatform.notification.push;

import com.zerodeplibs.webpush.EncryptedPushMessage;
import com.zerodeplibs.webpush.MessageEncryption;
import com.zerodeplibs.webpush.MessageEncryptions;
import com.zerodeplibs.webpush.PushMessage;
import com.zerodeplibs.webpush.UserAgentMessageEncryptionKeyInfo;
import com.zerodeplibs.webpush.jwt.VAPIDJWTParam;
import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Channel;
import io.chatplatform.notification.delivery.NotificationMetrics;
import io.chatplatform.notification.subscription.PushSubscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends one WebPush message (RFC 8030) to one subscription: the payload encrypted with {@code aes128gcm} (RFC 8291)
 * for the browser's keys, a VAPID {@code Authorization} (RFC 8292), {@code TTL} and {@code Urgency} headers, over the
 * reactive {@link WebClient}.
 *
 * <p>Retry policy: 429, 5xx and network errors are tried again up to {@code chat.notification.push.attempts} times
 * in all, after the push service's {@code Retry-After} when it sent one, else after an exponential backoff; every
 * wait is capped by {@code max-backoff}. 404 and 410 mean the subscription is gone (the caller removes it); any other
 * 4xx is final.
 */
@Component
public class WebPushSender {

    /** Per RFC 8030, the largest payload a push service must accept (4096 bytes), less the aes128gcm overhead. */
    public static final int MAX_PAYLOAD = 3993;

    private final WebClient webClient;
    private final VapidKeys vapidKeys;
    private final NotificationProperties.Push settings;
    private final String subject;
    private final Duration tokenTtl;
    private final NotificationMetrics metrics;
    private final Clock clock;
    /**
     * The library's {@link MessageEncryption} keeps per-call state and is not thread-safe (its javadoc says so):
     * pushes to several devices are prepared at once on boundedElastic, and a shared instance mixed their keys
     * (bodies the browser could not decrypt, answered 400). One per thread; those threads are pooled.
     */
    private static final ThreadLocal<MessageEncryption> ENCRYPTION = ThreadLocal.withInitial(MessageEncryptions::of);

    WebPushSender(WebClient.Builder webClients, VapidKeys vapidKeys, NotificationProperties properties,
                  NotificationMetrics metrics, Optional<Clock> clock) {
        this.webClient = webClients.build();
        this.vapidKeys = vapidKeys;
        this.settings = properties.push();
        this.subject = properties.vapid().subject();
        this.tokenTtl = properties.vapid().tokenTtl();
        this.metrics = metrics;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Sends {@code payload} with the given urgency; completes with the outcome, never with an error. */
    public Mono<PushResult> send(PushSubscription subscription, byte[] payload, String urgency) {
        if (payload.length > MAX_PAYLOAD) {
            return Mono.error(new IllegalArgumentException("push payload over " + MAX_PAYLOAD + " bytes"));
        }
        Instant first = clock.instant();
        return attempt(subscription, payload, urgency, 1, first);
    }

    private Mono<PushResult> attempt(PushSubscription subscription, byte[] payload, String urgency, int attempt,
                                     Instant first) {
        return prepare(subscription, payload)
                .flatMap(request -> post(subscription, request, urgency))
                .onErrorResume(error -> Mono.just(Answer.unreachable(error)))
                .flatMap(answer -> {
                    if (answer.isSuccess()) {
                        metrics.count(Channel.PUSH, NotificationMetrics.Outcome.SENT);
                        return Mono.just(result(PushResult.Status.SENT, attempt, null, first));
                    }
                    metrics.count(Channel.PUSH, NotificationMetrics.Outcome.FAILED);
                    if (answer.isGone()) {
                        return Mono.just(result(PushResult.Status.GONE, attempt, answer.describe(), first));
                    }
                    if (!answer.isRetryable() || attempt >= settings.attempts()) {
                        return Mono.just(result(PushResult.Status.FAILED, attempt, answer.describe(), first));
                    }
                    return Mono.delay(backoff(answer, attempt))
                            .then(Mono.defer(() -> attempt(subscription, payload, urgency, attempt + 1, first)));
                });
    }

    private PushResult result(PushResult.Status status, int attempts, String error, Instant first) {
        return new PushResult(status, attempts, error, first, clock.instant());
    }

    /** The encrypted body and the VAPID header; a fresh key and salt per try, as RFC 8291 asks. */
    private record Prepared(EncryptedPushMessage message, String authorization) {
    }

    /**
     * Encryption draws on {@code SecureRandom}, which may read {@code /dev/urandom}: done on boundedElastic, never on
     * an event loop.
     */
    private Mono<Prepared> prepare(PushSubscription subscription, byte[] payload) {
        return vapidKeys.keys()
                .publishOn(Schedulers.boundedElastic())
                .map(keys -> new Prepared(
                        ENCRYPTION.get().encrypt(UserAgentMessageEncryptionKeyInfo.of(subscription.p256dh(),
                                subscription.auth()), PushMessage.of(payload)),
                        keys.pair().generateAuthorizationHeaderValue(VAPIDJWTParam.getBuilder()
                                .resourceURLString(subscription.endpoint())
                                .expirationTime(clock.instant().plus(tokenTtl))
                                .subject(subject)
                                .build())));
    }

    private Mono<Answer> post(PushSubscription subscription, Prepared request, String urgency) {
        return webClient.post()
                .uri(java.net.URI.create(subscription.endpoint()))
                .header(HttpHeaders.AUTHORIZATION, request.authorization())
                .header("TTL", Long.toString(settings.ttl().toSeconds()))
                .header("Urgency", urgency)
                .header(HttpHeaders.CONTENT_ENCODING, request.message().contentEncoding())
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(request.message().toBytes())
                .exchangeToMono(response -> response.releaseBody()
                        .thenReturn(new Answer(response.statusCode(),
                                response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), null)))
                .timeout(settings.requestTimeout());
    }

    private Duration backoff(Answer answer, int attempt) {
        Duration exponential = settings.firstBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        Duration wait = answer.retryAfter(clock).orElse(exponential);
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    /** What a push service answered, or why it could not be reached. */
    private record Answer(HttpStatusCode status, String retryAfter, Throwable error) {

        static Answer unreachable(Throwable error) {
            return new Answer(null, null, error);
        }

        boolean isSuccess() {
            return status != null && status.is2xxSuccessful();
        }

        boolean isGone() {
            return status != null && (status.value() == 404 || status.value() == 410);
        }

        boolean isRetryable() {
            return status == null || status.value() == 429 || status.is5xxServerError();
        }

        String describe() {
            return status != null ? "push service answered " + status.value() : "push service unreachable: " + error;
        }

        /** {@code Retry-After} as seconds or as an HTTP date (RFC 9110 §10.2.3); absent or unreadable is empty. */
        Optional<Duration> retryAfter(Clock clock) {
            if (retryAfter == null || retryAfter.isBlank()) {
                return Optional.empty();
            }
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip()))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant();
                    Duration wait = Duration.between(clock.instant(), at);
                    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
        }
    }
}
