package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import reactor.core.publisher.Mono;

class WebSocketConfigurationTest {

    @Test
    void theHandshakeASessionKeepsHasNoHeadersAndEverythingElse() {
        HttpHeaders headers = new HttpHeaders();
        headers.add(HttpHeaders.ORIGIN, "http://chat.test");
        headers.add(HttpHeaders.USER_AGENT, "a browser with a long user agent string");
        MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
        cookies.add("c", new HttpCookie("c", "1"));
        Mono<Principal> principal = Mono.empty();
        InetSocketAddress remote = new InetSocketAddress("127.0.0.2", 40_000);
        Map<String, Object> attributes = Map.of("a", 1);
        HandshakeInfo full = new HandshakeInfo(URI.create("ws://chat.test/ws"), headers, cookies, principal, "chat",
                remote, attributes, "[conn-1] ");

        HandshakeInfo kept = WebSocketConfiguration.withoutHeaders(full);

        assertThat(kept.getHeaders().isEmpty()).isTrue();
        assertThat(kept.getUri()).isEqualTo(full.getUri());
        assertThat(kept.getCookies()).isSameAs(cookies);
        assertThat(kept.getPrincipal()).isSameAs(principal);
        assertThat(kept.getSubProtocol()).isEqualTo("chat");
        assertThat(kept.getRemoteAddress()).isEqualTo(remote);
        assertThat(kept.getAttributes()).isSameAs(attributes);
        assertThat(kept.getLogPrefix()).isEqualTo("[conn-1] ");
    }
}
