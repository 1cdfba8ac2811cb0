package io.chatplatform.notification.web;

import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.problem.BearerChallenge;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bearer authentication for {@code /api/**}, verified locally against auth-service's JWKS; the token's subject
 * becomes the caller ({@link #caller}). Open without a token: the VAPID public key (a browser needs it before anyone
 * signs in), the unsubscribe link from emails (it carries its own signature) and the dev outbox (off unless enabled).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class CallerAuthentication implements WebFilter {

    private static final String ATTRIBUTE = CallerAuthentication.class.getName() + ".caller";
    private static final Set<String> OPEN = Set.of(
            "/api/notifications/vapid-public-key",
            "/api/notifications/unsubscribe");
    private static final String OPEN_PREFIX = "/api/notifications/dev/";

    private final JwksTokenVerifier verifier;

    CallerAuthentication(JwksTokenVerifier verifier) {
        this.verifier = verifier;
    }

    /** The signed-in user of a request that passed this filter. */
    public static String caller(ServerWebExchange exchange) {
        String caller = exchange.getAttribute(ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on " + exchange.getRequest().getPath());
        }
        return caller;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isProtected(exchange)) {
            return chain.filter(exchange);
        }
        return BearerChallenge.bearerToken(exchange)
                .map(token -> verifier.verify(token)
                        .doOnNext(verified -> exchange.getAttributes().put(ATTRIBUTE, verified.subject()))
                        .flatMap(verified -> chain.filter(exchange))
                        .onErrorResume(InvalidTokenException.class,
                                rejected -> BearerChallenge.refusedToken(exchange, rejected.reason().name())))
                .orElseGet(() -> BearerChallenge.missingToken(exchange));
    }

    private static boolean isProtected(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return !HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())
                && path.startsWith("/api/")
                && !OPEN.contains(path)
                && !path.startsWith(OPEN_PREFIX);
    }
}
