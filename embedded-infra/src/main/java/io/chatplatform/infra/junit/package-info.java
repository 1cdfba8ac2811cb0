/**
 * JUnit Jupiter support: {@link io.chatplatform.infra.junit.WithEmbeddedInfra} on a test class starts one shared
 * {@link io.chatplatform.infra.Infrastructure} per test JVM and points Spring Boot at it.
 */
package io.chatplatform.infra.junit;
