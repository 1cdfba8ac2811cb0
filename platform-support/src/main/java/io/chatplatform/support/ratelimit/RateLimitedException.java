package io.chatplatform.support.ratelimit;

import io.chatplatform.support.problem.ApiException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A request refused by a rate limit: rendered as {@code 429} problem type {@value #TYPE_URI} with a
 * {@code Retry-After} header in whole seconds and the same number as the {@code retryAfterSeconds} member.
 *
 * <p>Every service answers a limit with this one problem type, so clients handle all of them the same way.
 */
public class RateLimitedException extends ApiException {

    /** The problem type of every rate-limit refusal. */
    public static final String TYPE_URI = "https://chat.example/problems/rate-limited";

    /** The problem title of every rate-limit refusal. */
    public static final String TITLE = "Too many requests";

    /** The extension member that repeats {@code Retry-After} for clients that cannot read headers. */
    public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

    private final long retryAfterSeconds;

    /** A refusal worded for attempts in general ("Too many attempts. Try again in 12 seconds."). */
    public RateLimitedException(Duration retryAfter) {
        this(retryAfter, "Too many attempts.");
    }

    /**
     * @param retryAfter time until the limit's window ends; rounded up to whole seconds, at least 1
     * @param reason     first sentence of the detail, what was too many ("Too many messages in this conversation.");
     *                   the detail goes on with when to try again
     */
    public RateLimitedException(Duration retryAfter, String reason) {
        super(HttpStatus.TOO_MANY_REQUESTS, URI.create(TYPE_URI), TITLE,
                reason + " Try again in " + seconds(retryAfter) + " seconds.",
                Map.of(RETRY_AFTER_SECONDS, seconds(retryAfter)));
        this.retryAfterSeconds = seconds(retryAfter);
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }

    /** The {@code Retry-After} value sent to the client. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * Whole seconds, rounded up so a client that waits exactly this long finds the window over; at least 1, because
     * {@code Retry-After: 0} invites an immediate retry that would be refused again.
     */
    private static long seconds(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        // getSeconds() is the floor and getNano() the non-negative rest, also for negative durations.
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
