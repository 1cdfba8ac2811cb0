package io.chatplatform.auth.token;

import io.chatplatform.contracts.auth.TokenFailure;

/** An access token was refused; the failure is what gRPC ValidateToken reports, the detail never holds the token. */
public class TokenRejectedException extends RuntimeException {

    private final TokenFailure failure;

    public TokenRejectedException(TokenFailure failure, String detail) {
        // Expected on every bad token: no stack trace.
        super(detail, null, false, false);
        this.failure = failure;
    }

    public TokenFailure failure() {
        return failure;
    }
}
