package io.chatplatform.chat.web;

import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer authentication for {@code /api/**}: the token is verified locally against auth-service's JWKS
 * ({@link JwksTokenVerifier}); its subject becomes the caller. Anything else ends the request with a 401 problem.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class CallerAuthenticationFilter implements WebFilter {

    private static final String BEARER = "Bearer ";

    private final JwksTokenVerifier verifier;
    private final JsonMapper json = JsonMapper.builder().build();

    CallerAuthenticationFilter(JwksTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isProtected(exchange)) {
            return chain.filter(exchange);
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return unauthorized(exchange, "A bearer access token is required.", null);
        }
        return verifier.verify(header.substring(BEARER.length()).strip())
                .doOnNext(token -> exchange.getAttributes().put(Caller.ATTRIBUTE, token.subject()))
                .flatMap(token -> chain.filter(exchange))
                .onErrorResume(InvalidTokenException.class,
                        rejected -> unauthorized(exchange, "The access token was refused.", rejected));
    }

    private static boolean isProtected(ServerWebExchange exchange) {
        return !HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())
                && exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/");
    }

    /** Written here, not thrown: errors from a WebFilter bypass the controller advice that renders problems. */
    private Mono<Void> unauthorized(ServerWebExchange exchange, String detail, InvalidTokenException rejected) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://chat.example/problems/unauthenticated");
        problem.put("title", "Unauthorized");
        problem.put("status", 401);
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        if (rejected != null) {
            // The reason names the failed check, never token content.
            problem.put("reason", rejected.reason().name().toLowerCase());
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                rejected == null ? "Bearer" : "Bearer error=\"invalid_token\"");
        DataBuffer body = response.bufferFactory()
                .wrap(json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }
}
