package io.chatplatform.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ForwardedHeadersTest {

    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.5", 41000);

    private final ForwardedHeaders trusted = new ForwardedHeaders(true);
    private final ForwardedHeaders untrusted = new ForwardedHeaders(false);

    @Test
    void untrustedHeadersAreIgnored() {
        MockServerHttpRequest request = MockServerHttpRequest.get("/api/rooms")
                .remoteAddress(PROXY)
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Proto", "https")
                .build();

        assertThat(untrusted.clientIp(request)).isEqualTo("10.0.0.5");
        assertThat(untrusted.forwardedFor(request)).isEqualTo("10.0.0.5");
        assertThat(untrusted.overTls(request)).isFalse();
    }

    @Test
    void aTrustedProxysEntryIsTheLastOneWhateverTheClientPutBeforeIt() {
        MockServerHttpRequest request = MockServerHttpRequest.get("/api/rooms")
                .remoteAddress(PROXY)
                .header("X-Forwarded-For", "1.1.1.1, 198.51.100.1")
                .header("X-Forwarded-For", "203.0.113.7")
                .build();

        assertThat(trusted.clientIp(request)).isEqualTo("203.0.113.7");
        assertThat(trusted.forwardedFor(request)).isEqualTo("1.1.1.1, 198.51.100.1, 203.0.113.7");
    }

    @Test
    void ipv6EntriesAreKept() {
        MockServerHttpRequest request = MockServerHttpRequest.get("/ws")
                .remoteAddress(PROXY)
                .header("X-Forwarded-For", "2001:db8::17")
                .build();

        assertThat(trusted.clientIp(request)).isEqualTo("2001:db8::17");
    }

    @Test
    void anUnusableOrMissingEntryFallsBackToTheConnection() {
        MockServerHttpRequest garbage = MockServerHttpRequest.get("/api/rooms")
                .remoteAddress(PROXY)
                .header("X-Forwarded-For", "203.0.113.7, <script>")
                .build();
        MockServerHttpRequest empty = MockServerHttpRequest.get("/api/rooms")
                .remoteAddress(PROXY)
                .header("X-Forwarded-For", " , ")
                .build();
        MockServerHttpRequest none = MockServerHttpRequest.get("/api/rooms").remoteAddress(PROXY).build();

        assertThat(trusted.clientIp(garbage)).isEqualTo("10.0.0.5");
        assertThat(trusted.forwardedFor(garbage)).isEqualTo("10.0.0.5");
        assertThat(trusted.clientIp(empty)).isEqualTo("10.0.0.5");
        assertThat(trusted.clientIp(none)).isEqualTo("10.0.0.5");
    }

    @Test
    void tlsIsTheLastForwardedProtoWhenTrustedOrAnHttpsRequest() {
        MockServerHttpRequest viaProxy = MockServerHttpRequest.get("/")
                .header("X-Forwarded-Proto", "http, HTTPS")
                .build();
        MockServerHttpRequest plain = MockServerHttpRequest.get("/")
                .header("X-Forwarded-Proto", "https, http")
                .build();
        MockServerHttpRequest direct = MockServerHttpRequest.get("https://chat.example/").build();

        assertThat(trusted.overTls(viaProxy)).isTrue();
        assertThat(trusted.overTls(plain)).isFalse();
        assertThat(untrusted.overTls(direct)).isTrue();
    }
}
