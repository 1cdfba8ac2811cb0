package io.chatplatform.contracts;

/** Kafka topic names and Redis channel names; every producer and consumer takes them from here. */
public final class Topics {

    /** Room events, keyed by room id so one partition keeps a room's order. */
    public static final String CHAT_ROOM_EVENTS = "chat.room-events";

    /** Every message event (rooms and DMs), keyed by conversation id; read by moderation and notification. */
    public static final String CHAT_MESSAGES = "chat.messages";

    /** user.blocked, user.unblocked, user.warned, message.flagged, moderation.verdict, message.hidden. */
    public static final String MODERATION_EVENTS = "moderation.events";

    /** user.registered, email verification, password reset, status changes, session revocations; keyed by user id. */
    public static final String AUTH_EVENTS = "auth.events";

    /** Notifications that failed after all retries. */
    public static final String NOTIFICATION_DEAD_LETTER = "notification.dead-letter";

    /** Prefix of the per-user Redis Pub/Sub channels. */
    public static final String USER_CHANNEL_PREFIX = "user:";

    private Topics() {
    }

    /**
     * The partitions a topic is created with, by whichever service ensures it first (each passes this, so the count
     * does not depend on which started first). A consumer group handles each partition's records one at a time, so
     * the count is also how many records of the topic one group works on side by side: {@link #CHAT_MESSAGES}, which
     * moderation and notification process with a few database and Redis round trips per record, gets 6; the others
     * 3. An existing topic keeps its count (adding partitions would move keys, and so conversations, between them).
     */
    public static int partitions(String topic) {
        return CHAT_MESSAGES.equals(topic) || CHAT_ROOM_EVENTS.equals(topic) ? 6 : 3;
    }

    /**
     * The Redis Pub/Sub channel for one user's live events (DMs, receipts, forced disconnects).
     *
     * @throws IllegalArgumentException if the id is null or blank, which would address a shared channel
     */
    public static String userChannel(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("userId must not be blank");
        }
        return USER_CHANNEL_PREFIX + userId;
    }
}
