package io.chatplatform.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandaloneSettingsTest {

    @Test
    void theServiceTokenIsMadeUpAtEachStartUnlessGiven() {
        StandaloneProperties unset = StandalonePlatform.settings();
        String first = StandalonePlatform.serviceTokenOf(unset);
        String second = StandalonePlatform.serviceTokenOf(unset);
        assertThat(unset.serviceToken()).isNull();
        assertThat(first).hasSizeGreaterThanOrEqualTo(40).isNotEqualTo(second);

        StandaloneProperties given = StandalonePlatform.settings("--standalone.service-token=shared-for-a-second-process");
        assertThat(StandalonePlatform.serviceTokenOf(given)).isEqualTo("shared-for-a-second-process");
        assertThat(StandalonePlatform.serviceTokenOf(StandalonePlatform.settings("--standalone.service-token=")))
                .as("blank counts as unset").hasSizeGreaterThanOrEqualTo(40);
    }
}
