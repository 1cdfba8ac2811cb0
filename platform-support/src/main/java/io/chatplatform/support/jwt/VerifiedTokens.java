package io.chatplatform.support.jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens that passed every check recently, by their exact text: a client sends the same access token with every
 * request for minutes, and checking an ES256 signature costs more CPU than most requests do otherwise.
 *
 * <p>A remembered answer is used until the earlier of the token's {@code exp} (plus the clock skew the full check
 * allows) and {@code maxAge} after it was checked, so a key dropped from the JWKS stops being trusted at most
 * {@code maxAge} later than without this memo. Only successes are kept: a bad token is checked in full every time
 * (and cannot fill the memory). Bounded: when full, expired answers are swept, and if that frees too little, all of
 * them are forgotten (they are only a shortcut; the next use checks again).
 */
final class VerifiedTokens {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration clockSkew;
    private final Duration maxAge;
    private final int maxEntries;

    VerifiedTokens(Clock clock, Duration clockSkew, Duration maxAge, int maxEntries) {
        this.clock = clock;
        this.clockSkew = clockSkew;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
    }

    /** The remembered answer for exactly this token text, or null when there is none or it is no longer usable. */
    VerifiedToken get(String token) {
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.usableUntil())) {
            entries.remove(token, entry);
            return null;
        }
        return entry.token();
    }

    /** Remembers a token that has just passed every check. */
    VerifiedToken remember(String token, VerifiedToken verified) {
        if (maxEntries == 0) {
            return verified;
        }
        Instant now = clock.instant();
        Instant untilExpiry = verified.expiresAt().plus(clockSkew);
        Instant untilMaxAge = now.plus(maxAge);
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> !now.isBefore(entry.usableUntil()));
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(token, new Entry(verified, untilExpiry.isBefore(untilMaxAge) ? untilExpiry : untilMaxAge));
        return verified;
    }

    int size() {
        return entries.size();
    }

    private record Entry(VerifiedToken token, Instant usableUntil) {
    }
}
