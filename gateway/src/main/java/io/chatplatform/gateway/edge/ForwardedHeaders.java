package io.chatplatform.gateway.edge;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who the client is and how it connected, as far as the gateway can tell: the connection itself, or, when
 * {@code chat.gateway.trust-forwarded-for} is on, what the proxy in front wrote into {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto}.
 *
 * <p>Only the <em>last</em> entry of each header is used: a proxy appends the address it saw, so that entry is the
 * proxy's own; anything before it came from the client and may be invented. This assumes one trusted proxy in front.
 */
final class ForwardedHeaders {

    /** The client address chain; the gateway passes it on to the services (see {@link ClientAddressHeadersFilter}). */
    static final String X_FORWARDED_FOR = "X-Forwarded-For";

    /** The scheme the client used to reach the proxy in front. */
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

    /** What an address (IPv4, IPv6 with zone, or an RFC 7239 obfuscated name) may look like; nothing else is used. */
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Za-z:.%_\\[\\]-]{1,64}");

    private final boolean trusted;

    /** @param trusted whether a proxy in front sets {@code X-Forwarded-For} and {@code X-Forwarded-Proto} */
    ForwardedHeaders(boolean trusted) {
        this.trusted = trusted;
    }

    /** The client's IP: the last {@code X-Forwarded-For} entry when trusted and usable, else the connection's peer. */
    String clientIp(ServerHttpRequest request) {
        if (trusted) {
            String forwarded = lastEntry(request.getHeaders().get(X_FORWARDED_FOR));
            if (forwarded != null && ADDRESS.matcher(forwarded).matches()) {
                return forwarded;
            }
        }
        return peerIp(request);
    }

    /** Whether the client's connection was encrypted: TLS to the gateway itself, or to the trusted proxy in front. */
    boolean overTls(ServerHttpRequest request) {
        if (request.getSslInfo() != null || "https".equalsIgnoreCase(request.getURI().getScheme())) {
            return true;
        }
        return trusted && "https".equalsIgnoreCase(lastEntry(request.getHeaders().get(X_FORWARDED_PROTO)));
    }

    /**
     * The {@code X-Forwarded-For} to send to a service: its last entry is always {@link #clientIp}. A trusted proxy's
     * chain is passed on as it came; otherwise whatever the client sent is replaced by the connection's address.
     */
    String forwardedFor(ServerHttpRequest request) {
        String clientIp = clientIp(request);
        if (trusted) {
            List<String> chain = request.getHeaders().get(X_FORWARDED_FOR);
            if (chain != null && clientIp.equals(lastEntry(chain))) {
                return String.join(", ", chain);
            }
        }
        return clientIp;
    }

    private static String peerIp(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** The last comma-separated entry over all lines of a header, or {@code null} when there is none. */
    private static String lastEntry(List<String> lines) {
        if (lines == null) {
            return null;
        }
        for (int line = lines.size() - 1; line >= 0; line--) {
            String[] entries = lines.get(line).split(",");
            for (int index = entries.length - 1; index >= 0; index--) {
                String entry = entries[index].strip();
                if (!entry.isEmpty()) {
                    return entry;
                }
            }
        }
        return null;
    }
}
