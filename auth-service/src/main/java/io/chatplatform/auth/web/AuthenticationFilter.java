package io.chatplatform.auth.web;

import io.chatplatform.auth.token.AccessTokenValidator;
import io.chatplatform.auth.token.AuthenticatedUser;
import io.chatplatform.auth.token.TokenRejectedException;
import io.chatplatform.support.problem.BearerChallenge;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Bearer authentication for the protected REST paths, with the same checks as gRPC {@code ValidateToken}
 * ({@link AccessTokenValidator}). A valid token puts an {@link AuthenticatedUser} in the exchange attributes
 * ({@link AuthenticatedUser#ATTRIBUTE}); a missing or refused one ends the request with a 401 problem.
 *
 * <p>Only the listed paths are protected, so unknown paths still answer 404 and the public endpoints (register,
 * login, refresh, verify-email, password reset, JWKS) need no token.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AuthenticationFilter implements WebFilter {

    private static final List<PathPattern> PROTECTED = List.of(
            pattern("/api/auth/logout"),
            pattern("/api/auth/sessions"),
            pattern("/api/auth/sessions/{sessionId}"),
            pattern("/api/auth/keys/rotate"),
            pattern("/api/auth/verify-email/resend"),
            pattern("/api/users"),
            pattern("/api/users/{*rest}"));

    private final AccessTokenValidator validator;

    AuthenticationFilter(AccessTokenValidator validator) {
        this.validator = validator;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isProtected(exchange)) {
            return chain.filter(exchange);
        }
        return BearerChallenge.bearerToken(exchange)
                .map(token -> validated(token, exchange, chain))
                .orElseGet(() -> BearerChallenge.missingToken(exchange));
    }

    private Mono<Void> validated(String token, ServerWebExchange exchange, WebFilterChain chain) {
        return validator.validate(token)
                .doOnNext(user -> exchange.getAttributes().put(AuthenticatedUser.ATTRIBUTE, user))
                .flatMap(user -> chain.filter(exchange))
                .onErrorResume(TokenRejectedException.class,
                        rejected -> BearerChallenge.refusedToken(exchange, failureName(rejected)));
    }

    /** TOKEN_FAILURE_EXPIRED becomes expired: the check that failed, never token content. */
    private static String failureName(TokenRejectedException rejected) {
        return rejected.failure().name().substring("TOKEN_FAILURE_".length());
    }

    private static boolean isProtected(ServerWebExchange exchange) {
        if (HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())) {
            return false;
        }
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        return PROTECTED.stream().anyMatch(pattern -> pattern.matches(path));
    }

    private static PathPattern pattern(String pattern) {
        return PathPatternParser.defaultInstance.parse(pattern);
    }
}
