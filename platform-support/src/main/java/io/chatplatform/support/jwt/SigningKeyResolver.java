package io.chatplatform.support.jwt;

import java.security.PublicKey;
import reactor.core.publisher.Mono;

/**
 * Where {@link JwksTokenVerifier} gets the public key a token's {@code kid} names.
 *
 * <p>Other services use the JWKS-fetching default ({@link JwksTokenVerifier#JwksTokenVerifier(JwtProperties,
 * org.springframework.web.reactive.function.client.WebClient)}); the auth service plugs in its own key ring so its
 * tokens pass exactly the same checks without an HTTP round trip to itself.
 */
@FunctionalInterface
public interface SigningKeyResolver {

    /**
     * The ES256 verification key for {@code kid}; empty (or an {@link InvalidTokenException} with
     * {@link InvalidTokenException.Reason#UNKNOWN_KEY}) when there is no such key.
     */
    Mono<PublicKey> keyFor(String kid);
}
