/**
 * What an operator watches on chat-service, in Micrometer (so in {@code /actuator/prometheus}): messages stored
 * ({@link io.chatplatform.chat.observability.StoredMessages}) and the outbox's backlog and age
 * ({@link io.chatplatform.chat.observability.OutboxBacklog}). Events published and Kafka consumer lag come from
 * platform-support's publishers and Kafka adapter. Tracing: {@link io.chatplatform.chat.observability.CurrentTrace}
 * stamps each stored event with the trace of the request that stored it. docs/operations.md lists every metric.
 */
package io.chatplatform.chat.observability;
