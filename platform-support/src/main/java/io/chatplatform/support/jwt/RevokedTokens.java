package io.chatplatform.support.jwt;

/** Tells whether a token that passed every other check belongs to a revoked session ({@link SessionRevocations}). */
@FunctionalInterface
public interface RevokedTokens {

    boolean isRevoked(VerifiedToken token);
}
