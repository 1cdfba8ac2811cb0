/**
 * Access-token verification against the auth service's JWKS: start at
 * {@link io.chatplatform.support.jwt.JwksTokenVerifier}.
 *
 * <p>Only ES256 tokens with {@code typ: at+jwt}, the configured {@code iss} and {@code aud}, a known {@code kid} and
 * valid {@code exp}/{@code nbf} pass; everything else is an {@link io.chatplatform.support.jwt.InvalidTokenException}
 * with a reason. Tokens are never logged. JSON is parsed with Boot's Jackson 3 (see {@code JacksonJsonDeserializer}),
 * so jjwt needs no jjwt-jackson and no Jackson 2. Keys come from the JWKS URL by default, or from any
 * {@link io.chatplatform.support.jwt.SigningKeyResolver} (the auth service verifies against its own key ring).
 */
package io.chatplatform.support.jwt;
