package io.chatplatform.support.problem;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The bearer-token side of every service's authentication filter: reading the token and answering 401 as an
 * RFC 9457 problem with an RFC 6750 challenge. A WebFilter must write the answer itself: an error it raises never
 * reaches the controller advice that renders problems.
 */
public final class BearerChallenge {

    /** Problem type of every refused or missing access token. */
    public static final String UNAUTHENTICATED_TYPE = "https://chat.example/problems/unauthenticated";

    private static final String BEARER = "Bearer ";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BearerChallenge() {
    }

    /** The token of an {@code Authorization: Bearer ...} header, if the request has one. */
    public static Optional<String> bearerToken(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).strip());
    }

    /** 401 for a request that carried no bearer token. */
    public static Mono<Void> missingToken(ServerWebExchange exchange) {
        return write(exchange, "A bearer access token is required.", null);
    }

    /**
     * 401 for a token that was refused.
     *
     * @param reason the check that failed (for example {@code expired}); never token content
     */
    public static Mono<Void> refusedToken(ServerWebExchange exchange, String reason) {
        return write(exchange, "The access token was refused.", reason);
    }

    private static Mono<Void> write(ServerWebExchange exchange, String detail, String reason) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", UNAUTHENTICATED_TYPE);
        problem.put("title", "Unauthorized");
        problem.put("status", 401);
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        if (reason != null) {
            problem.put("reason", reason.toLowerCase(Locale.ROOT));
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                reason == null ? "Bearer" : "Bearer error=\"invalid_token\"");
        DataBuffer body = response.bufferFactory()
                .wrap(JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(body));
    }
}
