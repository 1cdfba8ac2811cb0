/**
 * Real Kafka (KRaft), Redis, a MongoDB wire server and SMTP for tests and the standalone launcher.
 *
 * <p>Start reading at {@link io.chatplatform.infra.Infrastructure}; {@link io.chatplatform.infra.EmbeddedInfrastructure}
 * runs everything in-process (plus one {@code redis-server} child process), {@link
 * io.chatplatform.infra.ContainerInfrastructure} uses Testcontainers where a Docker engine exists. The package-private
 * classes are one per server and are not meant to be used directly.
 */
package io.chatplatform.infra;
