package io.chatplatform.auth.account;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * BCrypt hashing and checking, always on {@link Schedulers#boundedElastic()}: one hash takes tens of milliseconds
 * of CPU, which on an event loop would stall every connection that loop serves.
 */
@Component
public class PasswordHasher {

    /** Cost 10: about 50-100 ms per check on a laptop core; raise it as hardware gets faster. */
    private static final int STRENGTH = 10;

    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(STRENGTH);

    /**
     * A hash of a random password nobody knows, checked when the login names no account, so an unknown user costs
     * the same BCrypt time as a wrong password (no user enumeration by timing).
     */
    private final Mono<String> dummyHash = Mono.fromCallable(() -> encoder.encode(OpaqueTokensHolder.random()))
            .subscribeOn(Schedulers.boundedElastic())
            .cache();

    public Mono<String> hash(String password) {
        return Mono.fromCallable(() -> encoder.encode(password))
                .subscribeOn(Schedulers.boundedElastic());
    }

    public Mono<Boolean> matches(String password, String hash) {
        return Mono.fromCallable(() -> encoder.matches(password, hash))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** Spends one BCrypt check and answers {@code false}: the unknown-user path of a login. */
    public Mono<Boolean> matchesNothing(String password) {
        return dummyHash.flatMap(hash -> matches(password, hash))
                .map(ignored -> false);
    }

    /** Keeps the random-password helper out of the public API. */
    private static final class OpaqueTokensHolder {
        static String random() {
            return io.chatplatform.auth.OpaqueTokens.newToken();
        }
    }
}
