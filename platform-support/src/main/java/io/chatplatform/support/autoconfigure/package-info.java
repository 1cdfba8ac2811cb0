/**
 * Spring Boot auto-configuration: a service that depends on platform-support gets the problem handler, Kafka
 * beans, {@code RedisPubSub}, {@code RedisRateLimiter} and {@code JwksTokenVerifier} without writing configuration.
 * Each bean backs off when the application defines its own. Listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}; start reading at
 * {@link io.chatplatform.support.autoconfigure.KafkaSupportAutoConfiguration}.
 */
package io.chatplatform.support.autoconfigure;
