package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.WebSocketProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The origin allowlist of {@code /ws}: a handshake without an Origin header, or from an origin not in
 * {@code chat.websocket.allowed-origins}, is refused with 403 before any upgrade (browsers always send Origin; a
 * page on another site must not open a connection with the user's credentials).
 */
@Component
class OriginFilter implements WebFilter {

    private final WebSocketProperties properties;

    OriginFilter(WebSocketProperties properties) {
        this.properties = properties;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!"/ws".equals(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        String origin = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ORIGIN);
        if (origin == null || !properties.allowedOrigins().contains(origin)) {
            exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
            return exchange.getResponse().setComplete();
        }
        return chain.filter(exchange);
    }
}
