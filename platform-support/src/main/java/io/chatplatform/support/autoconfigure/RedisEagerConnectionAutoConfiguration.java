package io.chatplatform.support.autoconfigure;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Opens Lettuce's shared connection while the application starts instead of on first use.
 *
 * <p>Spring Data Redis connects its shared connection lazily and blocking ({@code RedisClient.connect} waits on a
 * future). Lazily, the first Redis command of a request would make that wait on a Netty event loop, stalling every
 * connection that loop serves (BlockHound catches it). Eagerly, it happens once, on the thread that starts the
 * application.
 */
@AutoConfiguration
@ConditionalOnClass(LettuceConnectionFactory.class)
public class RedisEagerConnectionAutoConfiguration {

    @Bean
    static BeanPostProcessor lettuceEagerInitialization() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof LettuceConnectionFactory factory) {
                    factory.setEagerInitialization(true);
                }
                return bean;
            }
        };
    }
}
