package io.chatplatform.support.autoconfigure;

import io.chatplatform.support.kafka.KafkaProperties;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.internal.AdminClientTopics;
import io.chatplatform.support.kafka.internal.ReactorKafkaAdapter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Kafka beans from {@code chat.kafka.*}. Creating them connects to nothing: the producer starts on the first send,
 * consumers when a {@code consume} flux is subscribed, so a service that never uses Kafka never talks to a broker.
 *
 * <p>One {@link ReactorKafkaAdapter} serves as both {@link KafkaPublisher} and {@link KafkaSubscriber}; it backs off
 * if the application defines either (then define both). It is closed on context shutdown: consume streams end after
 * committing acknowledged offsets, and the producer flushes before closing.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@EnableConfigurationProperties(KafkaProperties.class)
public class KafkaSupportAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({KafkaPublisher.class, KafkaSubscriber.class})
    ReactorKafkaAdapter reactorKafkaAdapter(KafkaProperties properties, ObjectProvider<MeterRegistry> registry) {
        return new ReactorKafkaAdapter(properties, registry.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    KafkaTopics kafkaTopics(KafkaProperties properties) {
        return new AdminClientTopics(properties);
    }
}
