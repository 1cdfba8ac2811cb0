/**
 * What an operator watches on websocket-service, in Micrometer (so in {@code /actuator/prometheus}): open connections,
 * deliveries and their server-side latency, resumes and slow-reader drops, and the spans that continue an event's
 * trace when it is delivered; start at {@link io.chatplatform.websocket.observability.WebSocketMetrics}. Kafka
 * consumer lag comes from platform-support's Kafka adapter. docs/operations.md lists every metric.
 */
package io.chatplatform.websocket.observability;
