package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/** Where Docker exists the switch is exercised by running the other tests with -Dchat.infra=testcontainers. */
class ContainerInfrastructureTest {

    @Test
    void switchWithoutDockerFailsWithAClearMessage() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is available");

        assertThatThrownBy(ContainerInfrastructure::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chat.infra=testcontainers needs a Docker engine");
    }
}
