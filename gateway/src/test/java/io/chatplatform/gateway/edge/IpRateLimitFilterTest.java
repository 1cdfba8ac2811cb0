package io.chatplatform.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpRateLimitFilterTest {

    @Test
    void onlyApiPathsAndTheWebSocketAreRateLimited() {
        assertThat(IpRateLimitFilter.isLimited("/api/rooms")).isTrue();
        assertThat(IpRateLimitFilter.isLimited("/api")).isTrue();
        assertThat(IpRateLimitFilter.isLimited("/ws")).isTrue();
        assertThat(IpRateLimitFilter.isLimited("/")).isFalse();
        assertThat(IpRateLimitFilter.isLimited("/app.js")).isFalse();
        assertThat(IpRateLimitFilter.isLimited("/apiary")).isFalse();
        assertThat(IpRateLimitFilter.isLimited("/actuator/health")).isFalse();
    }
}
