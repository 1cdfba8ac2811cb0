package io.chatplatform.chat.outbox;

/**
 * One event stored with the message it is about, waiting for the relay.
 *
 * @param eventId  the envelope's event id (consumers dedupe on it, so a republish after a crash is harmless)
 * @param type     the envelope's type, for logs and queries
 * @param envelope the serialized {@code EventEnvelope}, published as is
 */
public record PendingEvent(String eventId, String type, byte[] envelope) {
}
