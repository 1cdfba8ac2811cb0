package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The allowances name methods that exist: BlockHound matches them by name, so a renamed library method would leave an
 * allowance that silently allows nothing.
 */
class LibraryLocksBlockHoundIntegrationTest {

    @Test
    void blockHoundFindsTheIntegration() {
        assertThat(ServiceLoader.load(BlockHoundIntegration.class))
                .anySatisfy(integration -> assertThat(integration)
                        .isInstanceOf(LibraryLocksBlockHoundIntegration.class));
    }

    @Test
    void nettysMagazineExpansionIsWhereTheAllowanceSaysItIs() throws Exception {
        List<String> methods = Arrays.stream(Class.forName("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup")
                        .getDeclaredMethods())
                .map(Method::getName)
                .toList();
        assertThat(methods).contains("tryExpandMagazines");
    }
}
