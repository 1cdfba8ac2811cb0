/**
 * Access tokens and signing keys: {@link io.chatplatform.auth.token.KeyRing} (configured or generated ES256 keys,
 * rotation), {@link io.chatplatform.auth.token.AccessTokenIssuer} (signing),
 * {@link io.chatplatform.auth.token.AccessTokenValidator} (the one check REST and gRPC share) and the JWKS endpoint.
 */
package io.chatplatform.auth.token;
