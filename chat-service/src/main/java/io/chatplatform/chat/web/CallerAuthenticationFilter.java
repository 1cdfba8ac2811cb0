package io.chatplatform.chat.web;

import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.problem.BearerChallenge;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bearer authentication for {@code /api/**}: the token is verified locally against auth-service's JWKS
 * ({@link JwksTokenVerifier}); its subject becomes the caller. Anything else ends the request with a 401 problem.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class CallerAuthenticationFilter implements WebFilter {

    private final JwksTokenVerifier verifier;

    CallerAuthenticationFilter(JwksTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isProtected(exchange)) {
            return chain.filter(exchange);
        }
        return BearerChallenge.bearerToken(exchange)
                .map(token -> verified(token, exchange, chain))
                .orElseGet(() -> BearerChallenge.missingToken(exchange));
    }

    private Mono<Void> verified(String token, ServerWebExchange exchange, WebFilterChain chain) {
        return verifier.verify(token)
                .doOnNext(verifiedToken -> {
                    exchange.getAttributes().put(Caller.ATTRIBUTE, verifiedToken.subject());
                    exchange.getAttributes().put(Caller.MODERATOR_ATTRIBUTE,
                            verifiedToken.hasRole("moderator") || verifiedToken.hasRole("admin"));
                })
                .flatMap(verifiedToken -> chain.filter(exchange))
                .onErrorResume(InvalidTokenException.class,
                        rejected -> BearerChallenge.refusedToken(exchange, rejected.reason().name()));
    }

    private static boolean isProtected(ServerWebExchange exchange) {
        return !HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())
                && exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/");
    }
}
