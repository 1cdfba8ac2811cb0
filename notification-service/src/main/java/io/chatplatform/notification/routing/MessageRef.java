package io.chatplatform.notification.routing;

/**
 * What a notification needs of a message, kept with it until it is sent.
 *
 * @param eventId        the event that announced it (dedupe and dead letters refer to it)
 * @param eventType      that event's type
 * @param conversationId where it was sent
 * @param dm             a direct conversation (else a room)
 * @param messageId      the message
 * @param seq            its seq; the recipient has read it when their read marker reaches it
 * @param senderId       who sent it
 * @param preview        the start of its text
 * @param mentioned      the recipient is mentioned
 */
record MessageRef(String eventId, String eventType, String conversationId, boolean dm, String messageId, long seq,
                  String senderId, String preview, boolean mentioned) {
}
