package io.chatplatform.notification.push;

import java.time.Instant;

/**
 * How sending one push to one subscription ended, after its retries.
 *
 * @param status    what became of it
 * @param attempts  tries made
 * @param lastError the last failure ("push service 503", a network error), null when sent
 * @param firstAttemptAt when the first try started
 * @param lastAttemptAt  when the last try ended
 */
public record PushResult(Status status, int attempts, String lastError, Instant firstAttemptAt,
                         Instant lastAttemptAt) {

    /** What became of a push. */
    public enum Status {
        /** The push service accepted it (2xx). */
        SENT,
        /** The push service no longer knows the subscription (404 or 410). */
        GONE,
        /** Refused for good (another 4xx) or still failing after every retry (429, 5xx, network). */
        FAILED
    }
}
