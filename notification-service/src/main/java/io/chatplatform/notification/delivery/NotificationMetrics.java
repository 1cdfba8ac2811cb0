package io.chatplatform.notification.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The counter {@code chat.notifications} (Prometheus {@code chat_notifications_total}) by {@code channel}
 * ({@code push}, {@code email}) and {@code outcome}.
 */
@Component
public class NotificationMetrics {

    static final String NAME = "chat.notifications";

    /** What became of one notification to one destination. */
    public enum Outcome {
        /** Accepted by the push service or the SMTP server. */
        SENT,
        /** One try failed (counted per try; it may still be sent after a retry). */
        FAILED,
        /** A redelivered event: nothing was sent again. */
        DEDUPLICATED,
        /** Gave up after its retries; published to {@code notification.dead-letter}. */
        DEAD_LETTERED,
        /** The push service no longer knows the subscription (404/410); it was removed. */
        EXPIRED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final MeterRegistry registry;

    NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counters on the given registry, for code built without Spring. */
    public static NotificationMetrics forRegistry(MeterRegistry registry) {
        return new NotificationMetrics(registry);
    }

    public void count(Channel channel, Outcome outcome) {
        counter(channel, outcome).increment();
    }

    /** The count so far, for the dev outbox page. */
    public double total(Channel channel, Outcome outcome) {
        return counter(channel, outcome).count();
    }

    private Counter counter(Channel channel, Outcome outcome) {
        return Counter.builder(NAME)
                .description("Notifications by channel and outcome")
                .tag("channel", channel.tag())
                .tag("outcome", outcome.tag())
                .register(registry);
    }
}
