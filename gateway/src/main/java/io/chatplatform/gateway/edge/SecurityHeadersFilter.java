package io.chatplatform.gateway.edge;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Puts the browser security headers on every response the gateway sends: proxied API answers, the web client's
 * files, and errors (including this gateway's own 413 and 429). They are set just before the response is committed,
 * so they replace whatever a service or a later filter put there: the policy is the edge's.
 *
 * <p>{@code Strict-Transport-Security} only goes out on requests that arrived over TLS: browsers ignore it over
 * plain HTTP, and a laptop on {@code http://localhost} must not be told to insist on HTTPS.
 */
final class SecurityHeadersFilter implements WebFilter, Ordered {

    /** First of the gateway's filters, so that every answer of the others carries the headers too. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";
    static final String X_CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String X_FRAME_OPTIONS = "X-Frame-Options";
    static final String REFERRER_POLICY = "Referrer-Policy";
    static final String STRICT_TRANSPORT_SECURITY = "Strict-Transport-Security";

    private final EdgeProperties.SecurityHeaders settings;
    private final ForwardedHeaders forwarded;
    private final String strictTransportSecurity;

    SecurityHeadersFilter(EdgeProperties.SecurityHeaders settings, ForwardedHeaders forwarded) {
        this.settings = settings;
        this.forwarded = forwarded;
        this.strictTransportSecurity = "max-age=" + settings.hstsMaxAge().toSeconds();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        boolean overTls = forwarded.overTls(exchange.getRequest());
        ServerHttpResponse response = exchange.getResponse();
        response.beforeCommit(() -> {
            apply(response.getHeaders(), overTls);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private void apply(HttpHeaders headers, boolean overTls) {
        headers.set(CONTENT_SECURITY_POLICY, settings.contentSecurityPolicy());
        headers.set(X_CONTENT_TYPE_OPTIONS, "nosniff");
        headers.set(X_FRAME_OPTIONS, "DENY");
        headers.set(REFERRER_POLICY, settings.referrerPolicy());
        if (overTls) {
            headers.set(STRICT_TRANSPORT_SECURITY, strictTransportSecurity);
        } else {
            // A service behind the gateway does not decide this; plain HTTP answers never carry it.
            headers.remove(STRICT_TRANSPORT_SECURITY);
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
