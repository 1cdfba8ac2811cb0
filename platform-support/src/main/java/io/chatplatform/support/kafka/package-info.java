/**
 * Kafka for services, without Reactor Kafka in sight: {@link io.chatplatform.support.kafka.KafkaPublisher} to send,
 * {@link io.chatplatform.support.kafka.KafkaSubscriber} to consume with commit-after-processing (at-least-once),
 * {@link io.chatplatform.support.kafka.KafkaTopics} to create topics.
 *
 * <p>Start reading at {@code KafkaSubscriber} (its Javadoc states the delivery and error policy). Reactor Kafka was
 * discontinued upstream in May 2025; every use of it lives in {@code internal}, so replacing it touches that package
 * only. Nothing outside this module may import from {@code internal}.
 */
package io.chatplatform.support.kafka;
