package io.chatplatform.notification.delivery;

import io.chatplatform.notification.NotificationProperties;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The most recent notifications this instance sent, with their content, for the dev outbox page
 * ({@code chat.notification.dev-outbox.enabled}); when the page is off nothing is kept.
 */
@Component
public class SentNotifications {

    private static final Logger log = LoggerFactory.getLogger(SentNotifications.class);

    /**
     * One sent notification.
     *
     * @param channel     push or email
     * @param userId      the recipient
     * @param destination subscription id or email address
     * @param title       push title or email subject
     * @param body        push body or the email's text part
     */
    public record Sent(Instant at, Channel channel, String userId, String destination, String title, String body) {
    }

    private final boolean enabled;
    private final int capacity;
    private final Deque<Sent> recent = new ArrayDeque<>();

    public SentNotifications(NotificationProperties properties) {
        this.enabled = properties.devOutbox().enabled();
        this.capacity = properties.devOutbox().capacity();
    }

    public void record(Sent sent) {
        if (!enabled) {
            return;
        }
        log.info("Sent {} to {} ({}): {} (listed at /api/notifications/dev/outbox)", sent.channel().tag(),
                sent.userId(), sent.destination(), sent.title());
        synchronized (recent) {
            recent.addFirst(sent);
            while (recent.size() > capacity) {
                recent.removeLast();
            }
        }
    }

    /** Newest first. */
    public List<Sent> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
