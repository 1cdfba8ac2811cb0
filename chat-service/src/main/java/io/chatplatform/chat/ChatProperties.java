package io.chatplatform.chat;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * chat-service settings under {@code chat.chat-service}.
 *
 * @param maxTextLength longest message text in characters (code points are not counted separately)
 * @param editWindow    how long after sending the sender may still edit a message
 * @param history       paging bounds of the history endpoints
 * @param outbox        the outbox relay
 * @param retention     the scheduled purge of expired messages
 * @param accessCacheTtl how long an instance answers "does this conversation exist, and what is its member version"
 *                      from memory: the longest a removal or a room deletion made through another instance takes to
 *                      reach this one (the instance that makes the change applies it at once); 0s reads the
 *                      conversation every time
 * @param membershipCacheTtl how long an instance keeps a membership it read while the conversation's member version
 *                      (raised by every removal) stays the same: it bounds memory and how long a removal written
 *                      outside chat-service goes unseen, not how long a removal made through chat-service takes
 */
@Validated
@ConfigurationProperties("chat.chat-service")
public record ChatProperties(
        @DefaultValue("4000") @Min(1) @Max(100_000) int maxTextLength,
        @DefaultValue("24h") @NotNull Duration editWindow,
        @DefaultValue @Valid @NotNull History history,
        @DefaultValue @Valid @NotNull Outbox outbox,
        @DefaultValue @Valid @NotNull Retention retention,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 1) Duration accessCacheTtl,
        @DefaultValue("5m") @NotNull @DurationMin(millis = 0) @DurationMax(hours = 1) Duration membershipCacheTtl) {

    /**
     * @param defaultLimit page size when the client gives none
     * @param maxLimit     largest page a client may ask for
     */
    public record History(
            @DefaultValue("50") @Min(1) @Max(1000) int defaultLimit,
            @DefaultValue("200") @Min(1) @Max(1000) int maxLimit) {
    }

    /**
     * @param relayEnabled  whether the relay starts with the context (off only for tests and maintenance)
     * @param pollInterval  how often the relay looks for pending events: the worst-case extra delivery latency
     * @param batchSize     the most outboxes one relay pass publishes (a search of the markers reads 20 times as many)
     * @param leaseDuration how long one instance owns the relay without renewing; a crashed owner is replaced after it
     * @param recoveryInterval how long after its previous search ended the relay searches every outbox again for
     *                      events that have no marker (only a crash between storing an event and writing its marker
     *                      leaves one), a page per pass: their worst-case delay, plus the search itself
     * @param linger        how long the relay waits after being woken before a pass, so that the messages stored
     *                      meanwhile go in the same pass: added to every event's delivery latency, 0 for none
     */
    public record Outbox(
            @DefaultValue("true") boolean relayEnabled,
            @DefaultValue("100ms") @NotNull @DurationMin(millis = 10) Duration pollInterval,
            @DefaultValue("1000") @Min(1) @Max(10_000) int batchSize,
            @DefaultValue("10s") @NotNull @DurationMin(seconds = 1) Duration leaseDuration,
            @DefaultValue("30s") @NotNull @DurationMin(millis = 100) Duration recoveryInterval,
            @DefaultValue("5ms") @NotNull @DurationMin(millis = 0) @DurationMax(millis = 1000) Duration linger) {
    }

    /**
     * @param enabled      whether the purge runs in this instance
     * @param initialDelay wait after startup before the first pass
     * @param interval     time between passes: how late, at most, an expired message disappears
     */
    public record Retention(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1m") @NotNull Duration initialDelay,
            @DefaultValue("1h") @NotNull @DurationMin(seconds = 1) Duration interval) {
    }
}
