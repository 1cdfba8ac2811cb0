package io.chatplatform.moderation.web;

import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.problem.BearerChallenge;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bearer authentication for {@code /api/**}: the token is verified locally against auth-service's JWKS; anything else
 * ends the request with a 401 problem.
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
        if (HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())
                || !exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        return BearerChallenge.bearerToken(exchange)
                .map(token -> verifier.verify(token)
                        .doOnNext(verified -> exchange.getAttributes().put(Caller.ATTRIBUTE, verified))
                        .flatMap(verified -> chain.filter(exchange))
                        .onErrorResume(InvalidTokenException.class,
                                rejected -> BearerChallenge.refusedToken(exchange, rejected.reason().name())))
                .orElseGet(() -> BearerChallenge.missingToken(exchange));
    }
}
