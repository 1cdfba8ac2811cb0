package io.chatplatform.auth;

import io.chatplatform.support.problem.ApiException;
import io.chatplatform.support.problem.InvalidField;
import io.chatplatform.support.problem.ProblemExceptionHandler;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The auth service's problem types, so every endpoint words the same failure the same way. */
public final class Problems {

    private static final String BASE = "https://chat.example/problems/";

    private Problems() {
    }

    /** 400 naming one field, in the same shape as bean-validation errors. */
    public static ApiException invalidField(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, type("invalid-request"), "Invalid request",
                "The request has invalid fields.",
                Map.of(ProblemExceptionHandler.ERRORS, List.of(new InvalidField(field, message))));
    }

    /** 401 for every login failure that must not tell which part was wrong. */
    public static ApiException invalidCredentials() {
        return new ApiException(HttpStatus.UNAUTHORIZED, type("invalid-credentials"), "Invalid credentials",
                "The username, email or password is wrong.");
    }

    /** 401 for a refresh token that is unknown, expired, revoked or already used. */
    public static ApiException invalidRefreshToken() {
        return new ApiException(HttpStatus.UNAUTHORIZED, type("invalid-refresh-token"), "Invalid refresh token",
                "The refresh token is invalid, expired or was revoked. Log in again.");
    }

    /** 403 for a blocked account; only said after the password was right. */
    public static ApiException accountBlocked() {
        return new ApiException(HttpStatus.FORBIDDEN, type("account-blocked"), "Account blocked",
                "This account is blocked.");
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, type("forbidden"), "Forbidden", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, type("not-found"), "Not found", detail);
    }

    /** 409 naming the field whose value is taken. */
    public static ApiException taken(String field) {
        return new ApiException(HttpStatus.CONFLICT, type("already-taken"), "Already taken",
                "This " + field + " is already registered.",
                Map.of(ProblemExceptionHandler.ERRORS, List.of(new InvalidField(field, "is already taken"))));
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, type("conflict"), "Conflict", detail);
    }

    private static URI type(String name) {
        return URI.create(BASE + name);
    }
}
