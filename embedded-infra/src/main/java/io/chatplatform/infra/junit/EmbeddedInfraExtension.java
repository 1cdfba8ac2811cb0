package io.chatplatform.infra.junit;

import com.icegreen.greenmail.util.GreenMail;
import io.chatplatform.infra.ContainerInfrastructure;
import io.chatplatform.infra.EmbeddedInfrastructure;
import io.chatplatform.infra.Infrastructure;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link Infrastructure} per test JVM on first use (embedded by default, Testcontainers with
 * {@code -Dchat.infra=testcontainers}), closes it when the test run ends, sets its
 * {@link Infrastructure#springProperties()} as system properties before each test class so that
 * {@code @SpringBootTest} contexts use it, and injects {@link Infrastructure} and {@link GreenMail} parameters.
 */
public final class EmbeddedInfraExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedInfraExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context).springProperties().forEach(System::setProperty);
    }

    /**
     * The infrastructure shared by every test class in this JVM. It lives in the root context's store, which closes
     * it (as an {@link AutoCloseable}) after the last test.
     */
    public static Infrastructure shared(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(Infrastructure.class, key -> Infrastructure.startSelected(), Infrastructure.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == Infrastructure.class || type == GreenMail.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Infrastructure infrastructure = shared(extensionContext);
        if (parameterContext.getParameter().getType() == Infrastructure.class) {
            return infrastructure;
        }
        if (infrastructure instanceof EmbeddedInfrastructure embedded) {
            return embedded.greenMail();
        }
        if (infrastructure instanceof ContainerInfrastructure containers) {
            return containers.greenMail();
        }
        throw new ParameterResolutionException("No GreenMail in " + infrastructure);
    }
}
