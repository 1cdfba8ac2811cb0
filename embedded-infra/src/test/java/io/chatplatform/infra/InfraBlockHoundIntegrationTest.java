package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import reactor.blockhound.integration.BlockHoundIntegration;

class InfraBlockHoundIntegrationTest {

    @Test
    void blockHoundFindsTheIntegration() {
        // BlockHound.install() applies every integration that ServiceLoader finds; a typo in the file would drop it.
        assertThat(ServiceLoader.load(BlockHoundIntegration.class))
                .anySatisfy(integration -> assertThat(integration).isInstanceOf(InfraBlockHoundIntegration.class));
    }
}
