package io.chatplatform.support.jwt;

import java.util.Objects;

/**
 * A token was rejected. The message never contains the token; the {@link #reason()} says what was wrong, callers
 * map it to 401 (or a WebSocket close 1008) without echoing details that help an attacker.
 */
public class InvalidTokenException extends RuntimeException {

    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        this(reason, message, null);
    }

    public InvalidTokenException(Reason reason, String message, Throwable cause) {
        // No stack trace: rejections are expected (floods of bad tokens), and the trace says nothing the reason doesn't.
        super(message, cause, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }

    /** Why a token was rejected. */
    public enum Reason {
        /** Not a compact JWS, bad Base64 or JSON, or required header fields missing. */
        MALFORMED,
        /** {@code alg} is not ES256 ({@code none}, HS256 and everything else). */
        UNSUPPORTED_ALGORITHM,
        /** {@code typ} is not {@code at+jwt}: for example an ID token or a refresh token presented as access token. */
        WRONG_TYPE,
        /** No {@code kid}, or a {@code kid} not in the JWKS even after a refresh. */
        UNKNOWN_KEY,
        /** The signature does not verify with the key named by {@code kid}. */
        BAD_SIGNATURE,
        /** {@code exp} is in the past (beyond the clock skew). */
        EXPIRED,
        /** {@code nbf} is in the future (beyond the clock skew). */
        NOT_YET_VALID,
        /** {@code iss} missing or not the configured issuer. */
        WRONG_ISSUER,
        /** {@code aud} missing or not containing the configured audience. */
        WRONG_AUDIENCE,
        /** A required claim ({@code sub}, {@code exp}) is missing. */
        MISSING_CLAIM,
        /** The JWKS could not be fetched; the token may be fine, but it cannot be checked (fail-closed). */
        JWKS_UNAVAILABLE,
        /** The token's session was revoked (logout, sign-out of other devices, password change, block). */
        SESSION_REVOKED
    }
}
