package io.chatplatform.auth.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who is calling, for sessions and rate limits.
 *
 * @param ip        the client address: the connection's, or the last {@code X-Forwarded-For} entry when the service
 *                  is configured to trust the gateway (which appends the address it saw)
 * @param userAgent the {@code User-Agent} header, cut to 256 characters, or empty
 */
public record ClientInfo(String ip, String userAgent) {

    private static final int MAX_USER_AGENT = 256;

    public static ClientInfo of(ServerHttpRequest request, boolean trustForwardedFor) {
        String userAgent = request.getHeaders().getFirst(HttpHeaders.USER_AGENT);
        userAgent = userAgent == null ? "" : userAgent.substring(0, Math.min(userAgent.length(), MAX_USER_AGENT));
        return new ClientInfo(ip(request, trustForwardedFor), userAgent);
    }

    private static String ip(ServerHttpRequest request, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = request.getHeaders().getFirst("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].strip();
                if (!last.isEmpty()) {
                    return last;
                }
            }
        }
        var remote = request.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
