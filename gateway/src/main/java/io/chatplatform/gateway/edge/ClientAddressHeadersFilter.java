package io.chatplatform.gateway.edge;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the services who the client is: every proxied request (HTTP and the {@code /ws} upgrade) carries an
 * {@code X-Forwarded-For} whose last entry is the address the gateway resolved ({@link ForwardedHeaders}). Services
 * that trust the gateway (auth-service's {@code chat.auth.trust-forwarded-for}) read that entry for their own per-IP
 * limits.
 *
 * <p>Runs after Spring Cloud Gateway's own forwarded-header filters, which drop the client's {@code X-Forwarded-*}
 * headers (no trusted proxies are configured there), so a client cannot put its own entry last.
 */
final class ClientAddressHeadersFilter implements HttpHeadersFilter, Ordered {

    private final ForwardedHeaders forwarded;

    ClientAddressHeadersFilter(ForwardedHeaders forwarded) {
        this.forwarded = forwarded;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(input);
        headers.set(ForwardedHeaders.X_FORWARDED_FOR, forwarded.forwardedFor(exchange.getRequest()));
        return headers;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
