package io.chatplatform.support.autoconfigure;

import io.chatplatform.support.observability.PublishedEvents;
import io.chatplatform.support.redis.RedisPubSub;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * {@link RedisPubSub} for services that have Redis: Spring Data Redis on the classpath (it is an optional
 * dependency of platform-support) and a {@link ReactiveRedisConnectionFactory} bean, normally Boot's from
 * {@code spring.data.redis.*}. Closed on shutdown, which ends subscriptions and releases the Pub/Sub connection.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
public class RedisPubSubAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(ReactiveRedisConnectionFactory.class)
    RedisPubSub redisPubSub(ReactiveRedisConnectionFactory connectionFactory,
                            ObjectProvider<MeterRegistry> registry) {
        return new RedisPubSub(connectionFactory, PublishedEvents.of(registry.getIfAvailable(), "redis"));
    }
}
