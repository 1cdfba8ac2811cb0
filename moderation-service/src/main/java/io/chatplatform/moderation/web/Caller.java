package io.chatplatform.moderation.web;

import io.chatplatform.moderation.admin.Moderator;
import io.chatplatform.support.jwt.VerifiedToken;
import io.chatplatform.support.problem.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/** The authenticated user of a request, put there by {@link CallerAuthenticationFilter}. */
final class Caller {

    static final String ATTRIBUTE = Caller.class.getName() + ".token";

    private Caller() {
    }

    static VerifiedToken token(ServerWebExchange exchange) {
        VerifiedToken token = exchange.getAttribute(ATTRIBUTE);
        if (token == null) {
            // Only reachable if a controller is mapped outside the filter's paths: fail closed.
            throw new ApiException(HttpStatus.UNAUTHORIZED, "A bearer access token is required.");
        }
        return token;
    }

    static String userId(ServerWebExchange exchange) {
        return token(exchange).subject();
    }

    /** The caller as a moderator, or 403 for users without the moderator or admin role. */
    static Moderator moderator(ServerWebExchange exchange) {
        VerifiedToken token = token(exchange);
        if (!Moderator.allowed(token)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Only moderators and admins may do this.");
        }
        return new Moderator(token.subject());
    }
}
