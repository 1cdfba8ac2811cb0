package io.chatplatform.support.autoconfigure;

import io.chatplatform.support.ratelimit.RedisRateLimiter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * {@link RedisRateLimiter} for services that have Redis, on the same terms as {@link RedisPubSubAutoConfiguration}:
 * Spring Data Redis on the classpath and a {@link ReactiveRedisConnectionFactory} bean.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
public class RedisRateLimiterAutoConfiguration {

    /** Not named {@code redisRateLimiter}: Spring Cloud Gateway defines a bean of that name in the gateway. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ReactiveRedisConnectionFactory.class)
    RedisRateLimiter platformRedisRateLimiter(ReactiveRedisConnectionFactory connectionFactory) {
        return new RedisRateLimiter(connectionFactory);
    }
}
