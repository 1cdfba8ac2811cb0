package io.chatplatform.chat.web;

import io.chatplatform.support.problem.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/** The authenticated user of a request, put there by {@link CallerAuthenticationFilter}. */
public final class Caller {

    static final String ATTRIBUTE = Caller.class.getName() + ".userId";
    static final String MODERATOR_ATTRIBUTE = Caller.class.getName() + ".moderator";

    private Caller() {
    }

    /** The caller's user id (the token's {@code sub}). */
    public static String userId(ServerWebExchange exchange) {
        String userId = exchange.getAttribute(ATTRIBUTE);
        if (userId == null) {
            // Only reachable if a controller is mapped outside the filter's paths: fail closed.
            throw new ApiException(HttpStatus.UNAUTHORIZED, "A bearer access token is required.");
        }
        return userId;
    }

    /** Whether the caller's token carries the platform's {@code moderator} or {@code admin} role. */
    public static boolean isModerator(ServerWebExchange exchange) {
        return Boolean.TRUE.equals(exchange.getAttribute(MODERATOR_ATTRIBUTE));
    }
}
