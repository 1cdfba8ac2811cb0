/**
 * The outbox relay: events are stored inside the message they are about (see {@code io.chatplatform.chat.message})
 * and {@link io.chatplatform.chat.outbox.OutboxRelay} publishes them as {@code EventEnvelope} protobuf bytes: every
 * message event to Kafka {@code chat.messages} (key = conversation id), room events also to {@code chat.room-events}
 * (key = room id), DM events to the Redis channels {@code user:{id}} of both participants. Only then is the message's
 * outbox cleared, so a crash in between republishes (at least once; consumers dedupe on {@code event_id}) and never
 * loses an event.
 *
 * <p>The relay polls (mongo-java-server has no change streams without an oplog) and only the instance holding the
 * {@link io.chatplatform.chat.outbox.OutboxLease} publishes, which keeps each conversation's events in seq order.
 */
package io.chatplatform.chat.outbox;
