package io.chatplatform.chat.message;

import io.chatplatform.chat.outbox.PendingEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;

/**
 * Reads a {@code messages} document into a {@link StoredMessage} field by field, as the reflective mapping would.
 *
 * <p>Every history page, unread count, relay pass and send answer reads entries; the generic mapping (persistent
 * property lookups, a parameter value provider per record component, conversions looked up per value) was 14% of a
 * profile of history reads at 500 pages/s. A component added to the record breaks the constructor call here, and
 * {@code StoredMessageReaderTest} keeps both readings equal for every field.
 */
@ReadingConverter
public final class StoredMessageReader implements Converter<Document, StoredMessage> {

    @Override
    public StoredMessage convert(Document source) {
        return new StoredMessage(
                id(source.get("_id")),
                source.getString("conversationId"),
                source.getString("conversationKind"),
                strings(source, "participants"),
                seq(source.get("seq")),
                source.getString("kind"),
                source.getString("senderId"),
                source.getString("clientMsgId"),
                source.getString("text"),
                source.getString("replyTo"),
                strings(source, "mentions"),
                instant(source.get("createdAt")),
                Boolean.TRUE.equals(source.get("outboxPending")),
                pendingEvents(source),
                instant(source.get("editedAt")),
                Boolean.TRUE.equals(source.get("deleted")),
                source.getString("moderationState"),
                hiddenBy(source.get("moderation", Document.class)),
                source.getString("targetId"),
                source.get("targetSeq") instanceof Number targetSeq ? targetSeq.longValue() : null);
    }

    /** Ids are UUID strings; one that looks like an ObjectId was stored as one, and reads back as its hex. */
    private static String id(Object id) {
        return id instanceof ObjectId objectId ? objectId.toHexString() : (String) id;
    }

    private static long seq(Object value) {
        return value instanceof Number number ? number.longValue() : 0L;
    }

    private static Instant instant(Object value) {
        return value instanceof Date date ? date.toInstant() : null;
    }

    /** A list of strings, or null when the document has none (the record then defaults it where it has a default). */
    private static List<String> strings(Document source, String field) {
        List<?> values = source.get(field, List.class);
        if (values == null) {
            return null;
        }
        List<String> strings = new ArrayList<>(values.size());
        for (Object value : values) {
            strings.add((String) value);
        }
        return strings;
    }

    private static List<PendingEvent> pendingEvents(Document source) {
        List<?> events = source.get("pendingEvents", List.class);
        if (events == null) {
            return null;
        }
        List<PendingEvent> pending = new ArrayList<>(events.size());
        for (Object value : events) {
            Document event = (Document) value;
            pending.add(new PendingEvent(event.getString("eventId"), event.getString("type"),
                    bytes(event.get("envelope"))));
        }
        return pending;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof Binary binary) {
            return binary.getData();
        }
        return (byte[]) value;
    }

    private static StoredMessage.HiddenBy hiddenBy(Document moderation) {
        return moderation == null ? null : new StoredMessage.HiddenBy(moderation.getString("actorId"),
                moderation.getString("reason"), moderation.getString("flagId"), instant(moderation.get("at")));
    }
}
