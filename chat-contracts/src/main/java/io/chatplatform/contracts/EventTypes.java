package io.chatplatform.contracts;

import io.chatplatform.contracts.events.EventEnvelope;

import java.util.EnumMap;
import java.util.Map;

/** The {@code EventEnvelope.type} strings, one per payload case of the envelope. */
public final class EventTypes {

    // chat-service
    public static final String MESSAGE_CREATED = "message.created";
    public static final String MESSAGE_EDITED = "message.edited";
    public static final String MESSAGE_DELETED = "message.deleted";
    public static final String MESSAGE_HIDDEN = "message.hidden";
    public static final String MESSAGE_RELEASED = "message.released";
    public static final String RECEIPT_UPDATED = "receipt.updated";
    public static final String MEMBERSHIP_CHANGED = "membership.changed";
    public static final String ROOM_CREATED = "room.created";
    public static final String ROOM_UPDATED = "room.updated";
    public static final String ROOM_DELETED = "room.deleted";

    // websocket-service (ephemeral, Redis only)
    public static final String TYPING_CHANGED = "typing.changed";
    public static final String PRESENCE_CHANGED = "presence.changed";

    // moderation-service
    public static final String USER_BLOCKED = "user.blocked";
    public static final String USER_UNBLOCKED = "user.unblocked";
    public static final String USER_WARNED = "user.warned";
    public static final String MESSAGE_FLAGGED = "message.flagged";
    public static final String MODERATION_VERDICT = "moderation.verdict";

    // auth-service
    public static final String USER_REGISTERED = "user.registered";
    public static final String EMAIL_VERIFICATION_REQUESTED = "user.email-verification-requested";
    public static final String PASSWORD_RESET_REQUESTED = "user.password-reset-requested";
    public static final String ACCOUNT_STATUS_CHANGED = "user.status-changed";
    public static final String SESSION_REVOKED = "session.revoked";

    // notification-service
    public static final String NOTIFICATION_DEAD_LETTERED = "notification.dead-lettered";

    private static final Map<EventEnvelope.PayloadCase, String> BY_PAYLOAD = byPayload();

    private EventTypes() {
    }

    /**
     * The type string that goes with a payload case, so producers never set {@code type} by hand.
     *
     * @throws IllegalArgumentException for {@code PAYLOAD_NOT_SET}
     */
    public static String of(EventEnvelope.PayloadCase payloadCase) {
        String type = BY_PAYLOAD.get(payloadCase);
        if (type == null) {
            throw new IllegalArgumentException("no event type for payload case " + payloadCase);
        }
        return type;
    }

    private static Map<EventEnvelope.PayloadCase, String> byPayload() {
        Map<EventEnvelope.PayloadCase, String> map = new EnumMap<>(EventEnvelope.PayloadCase.class);
        map.put(EventEnvelope.PayloadCase.MESSAGE_CREATED, MESSAGE_CREATED);
        map.put(EventEnvelope.PayloadCase.MESSAGE_EDITED, MESSAGE_EDITED);
        map.put(EventEnvelope.PayloadCase.MESSAGE_DELETED, MESSAGE_DELETED);
        map.put(EventEnvelope.PayloadCase.MESSAGE_HIDDEN, MESSAGE_HIDDEN);
        map.put(EventEnvelope.PayloadCase.MESSAGE_RELEASED, MESSAGE_RELEASED);
        map.put(EventEnvelope.PayloadCase.RECEIPT_UPDATED, RECEIPT_UPDATED);
        map.put(EventEnvelope.PayloadCase.MEMBERSHIP_CHANGED, MEMBERSHIP_CHANGED);
        map.put(EventEnvelope.PayloadCase.ROOM_CREATED, ROOM_CREATED);
        map.put(EventEnvelope.PayloadCase.ROOM_UPDATED, ROOM_UPDATED);
        map.put(EventEnvelope.PayloadCase.ROOM_DELETED, ROOM_DELETED);
        map.put(EventEnvelope.PayloadCase.TYPING_CHANGED, TYPING_CHANGED);
        map.put(EventEnvelope.PayloadCase.PRESENCE_CHANGED, PRESENCE_CHANGED);
        map.put(EventEnvelope.PayloadCase.USER_BLOCKED, USER_BLOCKED);
        map.put(EventEnvelope.PayloadCase.USER_UNBLOCKED, USER_UNBLOCKED);
        map.put(EventEnvelope.PayloadCase.USER_WARNED, USER_WARNED);
        map.put(EventEnvelope.PayloadCase.MESSAGE_FLAGGED, MESSAGE_FLAGGED);
        map.put(EventEnvelope.PayloadCase.MODERATION_VERDICT, MODERATION_VERDICT);
        map.put(EventEnvelope.PayloadCase.USER_REGISTERED, USER_REGISTERED);
        map.put(EventEnvelope.PayloadCase.EMAIL_VERIFICATION_REQUESTED, EMAIL_VERIFICATION_REQUESTED);
        map.put(EventEnvelope.PayloadCase.PASSWORD_RESET_REQUESTED, PASSWORD_RESET_REQUESTED);
        map.put(EventEnvelope.PayloadCase.ACCOUNT_STATUS_CHANGED, ACCOUNT_STATUS_CHANGED);
        map.put(EventEnvelope.PayloadCase.SESSION_REVOKED, SESSION_REVOKED);
        map.put(EventEnvelope.PayloadCase.NOTIFICATION_DEAD_LETTERED, NOTIFICATION_DEAD_LETTERED);
        return map;
    }
}
