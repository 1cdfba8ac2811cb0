package io.chatplatform.infra.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against the shared infrastructure of this test JVM; see {@link EmbeddedInfraExtension}.
 *
 * <p>Put it before {@code @SpringBootTest} so that the properties are set before the context starts.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedInfraExtension.class)
public @interface WithEmbeddedInfra {
}
