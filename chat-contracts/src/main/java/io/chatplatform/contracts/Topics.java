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
