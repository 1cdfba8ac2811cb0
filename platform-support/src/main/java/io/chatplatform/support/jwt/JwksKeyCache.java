package io.chatplatform.support.jwt;

import io.chatplatform.support.jwt.InvalidTokenException.Reason;
import io.jsonwebtoken.security.EcPublicJwk;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The JWKS's signing keys by {@code kid}, fetched lazily and refreshed when a token names an unknown {@code kid} or
 * the keys are older than {@code jwksMaxAge}.
 *
 * <p>Refreshes are rate limited: a fetch starts at most once per {@code jwksRefreshMinInterval}. Within the interval
 * every caller shares the last fetch (in flight or finished), so a burst of tokens with made-up {@code kid}s costs
 * the JWKS endpoint one request. The flip side: a key published less than the interval after the last fetch is
 * accepted only once the interval has passed, so the auth service publishes new keys before signing with them.
 *
 * @param <K> what is cached per key (a ready jjwt parser)
 */
final class JwksKeyCache<K> {

    private static final Logger log = LoggerFactory.getLogger(JwksKeyCache.class);

    private final JwtProperties properties;
    private final WebClient webClient;
    private final Clock clock;
    private final Function<PublicKey, K> perKey;
    private final AtomicReference<KeySet<K>> current = new AtomicReference<>(KeySet.empty());
    private final AtomicReference<Refresh<K>> lastRefresh = new AtomicReference<>();

    JwksKeyCache(JwtProperties properties, WebClient webClient, Clock clock, Function<PublicKey, K> perKey) {
        this.properties = properties;
        this.webClient = webClient;
        this.clock = clock;
        this.perKey = perKey;
    }

    /** The entry for {@code kid}, refreshing the JWKS first if needed and allowed. */
    Mono<K> forKid(String kid) {
        KeySet<K> known = current.get();
        K entry = known.keys().get(kid);
        if (entry == null) {
            return refresh()
                    .flatMap(keys -> lookup(keys, kid));
        }
        if (known.isOlderThan(clock.instant().minus(properties.jwksMaxAge()))) {
            return refresh()
                    // Fail-open to the keys we have: they were valid when fetched and a JWKS outage must not log
                    // everybody out. A key removed from the JWKS stops working at the first successful refresh.
                    .onErrorResume(InvalidTokenException.class, error -> keepStaleKeys(known, error))
                    .flatMap(keys -> lookup(keys, kid));
        }
        return Mono.just(entry);
    }

    private Mono<K> lookup(KeySet<K> keys, String kid) {
        K entry = keys.keys().get(kid);
        return entry != null
                ? Mono.just(entry)
                : Mono.error(new InvalidTokenException(Reason.UNKNOWN_KEY, "kid not in JWKS"));
    }

    private Mono<KeySet<K>> keepStaleKeys(KeySet<K> stale, InvalidTokenException error) {
        log.warn("JWKS refresh failed, keeping keys fetched at {}: {}", stale.fetchedAt(), error.getMessage());
        return Mono.just(stale);
    }

    /** The last fetch if it started less than the minimum interval ago, else a new one. */
    private Mono<KeySet<K>> refresh() {
        while (true) {
            Refresh<K> last = lastRefresh.get();
            Instant now = clock.instant();
            if (last != null && now.isBefore(last.startedAt().plus(properties.jwksRefreshMinInterval()))) {
                return last.result();
            }
            Refresh<K> next = new Refresh<>(now, fetch().cache());
            // Losing the race means another caller started a fetch just now: share it instead.
            if (lastRefresh.compareAndSet(last, next)) {
                return next.result();
            }
        }
    }

    private Mono<KeySet<K>> fetch() {
        return webClient.get()
                .uri(properties.jwksUri())
                .accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .bodyToMono(String.class)
                .timeout(properties.jwksFetchTimeout())
                .map(this::parse)
                .doOnNext(current::set)
                .doOnNext(keys -> log.info("Fetched JWKS from {}: kids {}", properties.jwksUri(), keys.keys().keySet()))
                // Fail-closed: without keys no token can be verified; the caller rejects with JWKS_UNAVAILABLE.
                .onErrorMap(error -> !(error instanceof InvalidTokenException), this::unavailable);
    }

    private InvalidTokenException unavailable(Throwable error) {
        log.warn("JWKS fetch from {} failed: {}", properties.jwksUri(), error.toString());
        return new InvalidTokenException(Reason.JWKS_UNAVAILABLE, "JWKS fetch failed", error);
    }

    private KeySet<K> parse(String json) {
        JwkSet set = Jwks.setParser()
                .json(new JacksonJsonDeserializer())
                .build()
                .parse(json);
        Map<String, K> keys = new LinkedHashMap<>();
        for (Jwk<?> jwk : set.getKeys()) {
            if (isEs256SigningKey(jwk)) {
                keys.put(jwk.getId(), perKey.apply(((EcPublicJwk) jwk).toKey()));
            }
        }
        return new KeySet<>(clock.instant(), Map.copyOf(keys));
    }

    /** Only P-256 public keys meant for signatures: an RSA or symmetric key in the set can never verify our tokens. */
    private static boolean isEs256SigningKey(Jwk<?> jwk) {
        return jwk instanceof EcPublicJwk
                && jwk.getId() != null
                && "P-256".equals(jwk.get("crv"))
                && (jwk.getAlgorithm() == null || "ES256".equals(jwk.getAlgorithm()))
                && (jwk.get("use") == null || "sig".equals(jwk.get("use")));
    }

    private record KeySet<K>(Instant fetchedAt, Map<String, K> keys) {

        static <K> KeySet<K> empty() {
            return new KeySet<>(Instant.MIN, Map.of());
        }

        boolean isOlderThan(Instant instant) {
            return fetchedAt.isBefore(instant);
        }
    }

    private record Refresh<K>(Instant startedAt, Mono<KeySet<K>> result) {
    }
}
