/**
 * The only code that touches Reactor Kafka and the Kafka client library. Start at {@link
 * io.chatplatform.support.kafka.internal.ReactorKafkaAdapter}; {@link
 * io.chatplatform.support.kafka.internal.AdminClientTopics} wraps the Kafka {@code Admin} client.
 *
 * <p>Reactor Kafka is discontinued; replacing it means rewriting this package against the interfaces in the parent
 * package, nothing else. Not for use outside platform-support.
 */
package io.chatplatform.support.kafka.internal;
