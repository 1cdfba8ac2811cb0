package io.chatplatform.notification.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.notification.Events;
import io.chatplatform.notification.NotificationITSupport;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * "Is this sender blocked?" through the real wiring: the consuming instance applies a block at once, and another
 * instance (same database, its own set of blocked users, not consuming the event) within the set's maximum age.
 */
class RecipientDirectoryIT extends NotificationITSupport {

    /** The margin absorbs a loaded build machine, not a slower design. */
    private static final Duration DEADLINE = Duration.ofMillis(1500);

    @Autowired
    private RecipientDirectory directory;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private RecipientDirectoryProperties properties;

    @Test
    void aBlockAndAnUnblockReachEveryInstanceWithinTheMaximumAge() {
        String mallory = user("Mallory");
        RecipientDirectory otherInstance = new RecipientDirectory(mongo, properties);
        assertThat(otherInstance.isBlocked(mallory).block(TIMEOUT)).isFalse();
        assertThat(otherInstance.isBlocked("never-heard-of").block(TIMEOUT)).isFalse();

        Events.auth(kafka, Events.blocked(mallory));
        await().atMost(DEADLINE).until(() -> directory.isBlocked(mallory).block(TIMEOUT));
        await().atMost(properties.statusMaxAge().plus(DEADLINE))
                .until(() -> otherInstance.isBlocked(mallory).block(TIMEOUT));

        // The unblock, stored by the other instance this time (as if it had consumed the event).
        otherInstance.changeStatus(mallory, false, Instant.now().plusSeconds(60)).block(TIMEOUT);
        assertThat(otherInstance.isBlocked(mallory).block(TIMEOUT)).isFalse();
        await().atMost(properties.statusMaxAge().plus(DEADLINE))
                .until(() -> !directory.isBlocked(mallory).block(TIMEOUT));
    }
}
