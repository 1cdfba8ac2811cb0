package io.chatplatform.notification;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * notification-service settings under {@code chat.notification}; SMTP itself is Spring Boot's {@code spring.mail.*}.
 *
 * @param chatTarget    chat-service's gRPC address ({@code host:port}): room members and read markers
 * @param grpcTimeout   deadline of one call to chat-service
 * @param pollInterval  how often due pushes and digests are looked for
 * @param claimLease    how long an instance owns a due notification it picked; another may take it after that
 * @param dedupeTtl     how long "this event was handled for this recipient" is remembered in Redis; longer than
 *                      any redelivery can come late
 * @param maxMessageAge a message older than this when its event is read notifies nobody: a new consumer group reads
 *                      {@code chat.messages} from the oldest retained record, and nobody wants pushes about those
 * @param vapid         the VAPID key pair and contact
 * @param push          WebPush delivery
 * @param email         email delivery
 * @param devOutbox     the page that lists what was sent (for standalone only)
 */
@Validated
@ConfigurationProperties("chat.notification")
public record NotificationProperties(
        @DefaultValue("127.0.0.1:9092") @NotBlank String chatTarget,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration grpcTimeout,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 10) Duration pollInterval,
        @DefaultValue("2m") @NotNull @DurationMin(seconds = 1) Duration claimLease,
        @DefaultValue("7d") @NotNull @DurationMin(minutes = 1) Duration dedupeTtl,
        @DefaultValue("1h") @NotNull @DurationMin(minutes = 1) Duration maxMessageAge,
        @DefaultValue @Valid Vapid vapid,
        @DefaultValue @Valid Push push,
        @DefaultValue @Valid Email email,
        @DefaultValue @Valid DevOutbox devOutbox) {

    /**
     * VAPID (RFC 8292). Without keys, a pair is generated once and kept in MongoDB, shared by every instance; set
     * both keys in production so that subscriptions survive a new database.
     *
     * @param publicKey  base64url of the uncompressed P-256 point (65 bytes); the browser subscribes with it
     * @param privateKey base64url of the PKCS#8 private key
     * @param subject    the contact push services may use ({@code mailto:} or {@code https:})
     * @param tokenTtl   lifetime of a VAPID JWT (at most 24 hours by RFC 8292)
     */
    public record Vapid(
            String publicKey,
            String privateKey,
            @DefaultValue("mailto:admin@localhost") @NotBlank String subject,
            @DefaultValue("12h") @NotNull @DurationMin(minutes = 1) Duration tokenTtl) {
    }

    /**
     * @param offlineDelay    wait before pushing to an offline recipient, so a message moderation hides at once
     *                        (post-moderation) is not pushed
     * @param readGrace       wait before pushing to an online recipient; pushed only if still unread by then
     * @param ttl             the push's {@code TTL} header: how long the push service keeps it for an offline device
     * @param urgency         {@code Urgency} header for mentions and DMs ({@code very-low}, {@code low},
     *                        {@code normal}, {@code high}); room messages go one lower
     * @param previewLength   characters of the message text in the payload
     * @param attempts        tries per push, the first included, on 429, 5xx and network errors
     * @param firstBackoff    wait before the first retry when the push service sent no {@code Retry-After}
     * @param maxBackoff      longest wait between tries, {@code Retry-After} included
     * @param requestTimeout  one request to a push service
     */
    public record Push(
            @DefaultValue("3s") @NotNull Duration offlineDelay,
            @DefaultValue("60s") @NotNull Duration readGrace,
            @DefaultValue("24h") @NotNull @DurationMin(seconds = 0) Duration ttl,
            @DefaultValue("high") @NotBlank String urgency,
            @DefaultValue("120") @Min(10) @Max(1000) int previewLength,
            @DefaultValue("4") @Min(1) @Max(20) int attempts,
            @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration firstBackoff,
            @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration maxBackoff,
            @DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration requestTimeout) {
    }

    /**
     * @param from          the sender address of every email
     * @param publicUrl     the platform's address as users open it (the gateway); links in emails start with it
     * @param verifyPath    path of the email verification page; the token is added as {@code ?token=}
     * @param resetPath     path of the password reset page; the token is added as {@code ?token=}
     * @param digestLimit   most messages listed in one digest (the rest are counted)
     * @param attempts      tries per email, the first included
     * @param firstBackoff  wait before the first retry (doubles each time)
     */
    public record Email(
            @DefaultValue("Chat Platform <no-reply@localhost>") @NotBlank String from,
            @DefaultValue("http://localhost:8080") @NotBlank String publicUrl,
            @DefaultValue("/verify-email") @NotBlank String verifyPath,
            @DefaultValue("/reset-password") @NotBlank String resetPath,
            @DefaultValue("20") @Min(1) @Max(500) int digestLimit,
            @DefaultValue("4") @Min(1) @Max(20) int attempts,
            @DefaultValue("2s") @NotNull @DurationMin(millis = 1) Duration firstBackoff) {
    }

    /**
     * @param enabled  serves {@code /api/notifications/dev/outbox}, a page of the pushes and emails sent (with their
     *                 content), without authentication: only for a laptop
     * @param capacity how many recent notifications the page keeps
     */
    public record DevOutbox(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("200") @Min(1) @Max(10_000) int capacity) {
    }
}
