package io.chatplatform.websocket.presence;

import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.problem.BearerChallenge;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bearer authentication for websocket-service's REST endpoints ({@code /api/**}); the caller's user id becomes the
 * request attribute {@link #CALLER}. The WebSocket itself authenticates in its first frame instead.
 */
@Component
class ApiAuthenticationFilter implements WebFilter {

    static final String CALLER = ApiAuthenticationFilter.class.getName() + ".caller";

    private final JwksTokenVerifier verifier;

    ApiAuthenticationFilter(JwksTokenVerifier verifier) {
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
                        .doOnNext(verified -> exchange.getAttributes().put(CALLER, verified.subject()))
                        .flatMap(verified -> chain.filter(exchange))
                        .onErrorResume(InvalidTokenException.class,
                                rejected -> BearerChallenge.refusedToken(exchange, rejected.reason().name())))
                .orElseGet(() -> BearerChallenge.missingToken(exchange));
    }
}
