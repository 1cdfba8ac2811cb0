package io.chatplatform.auth.web;

import io.chatplatform.auth.token.AccessTokenValidator;
import io.chatplatform.auth.token.AuthenticatedUser;
import io.chatplatform.auth.token.TokenRejectedException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

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
    private static final String BEARER = "Bearer ";

    private final AccessTokenValidator validator;
    private final JsonMapper json = JsonMapper.builder().build();

    AuthenticationFilter(AccessTokenValidator validator) {
        this.validator = validator;
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
        return validator.validate(header.substring(BEARER.length()).strip())
                .doOnNext(user -> exchange.getAttributes().put(AuthenticatedUser.ATTRIBUTE, user))
                .flatMap(user -> chain.filter(exchange))
                .onErrorResume(TokenRejectedException.class,
                        rejected -> unauthorized(exchange, "The access token was refused.", rejected));
    }

    private static boolean isProtected(ServerWebExchange exchange) {
        if (HttpMethod.OPTIONS.equals(exchange.getRequest().getMethod())) {
            return false;
        }
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        return PROTECTED.stream().anyMatch(pattern -> pattern.matches(path));
    }

    /** Written here, not thrown: errors from a WebFilter bypass the controller advice that renders problems. */
    private Mono<Void> unauthorized(ServerWebExchange exchange, String detail, TokenRejectedException rejected) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://chat.example/problems/unauthenticated");
        problem.put("title", "Unauthorized");
        problem.put("status", 401);
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        if (rejected != null) {
            // The failure names the check that failed, never token content.
            problem.put("reason", rejected.failure().name().substring("TOKEN_FAILURE_".length()).toLowerCase());
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

    private static PathPattern pattern(String pattern) {
        return PathPatternParser.defaultInstance.parse(pattern);
    }
}
