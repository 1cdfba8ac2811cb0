package io.chatplatform.chat.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import io.chatplatform.chat.outbox.PendingEvent;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A room or a DM.
 *
 * @param kind          {@link #ROOM} or {@link #DM}
 * @param nameLower     lower-cased name, for the public prefix search
 * @param visibility    {@code public} or {@code private} (DMs are private)
 * @param moderationMode {@code post} or {@code pre}
 * @param retentionDays days messages are kept, 0 = forever
 * @param participants  the two users of a DM, sorted; empty for rooms
 * @param deleted       the owner deleted the room: it is gone for every reader; its data is removed by the purge
 * @param outboxPending true while {@code pendingEvents} has room events the relay has not published
 * @param pendingEvents room events ({@code room.created}, {@code room.updated}, {@code room.deleted}) stored with the
 *                      change they describe, so the change and its event are written together
 * @param lastSeq       a seq known to be stored in the conversation, raised after every 16th store: never above the real
 *                      latest seq, usually less than a stride below it. Reads start from it instead of searching the log.
 *                      Null in documents written before it existed: then the log is searched once and it is set.
 * @param membersVersion raised after every removal of a member: an instance keeps a membership it read for as long as
 *                      the conversation it reads next still has the version it read the membership under (0 in
 *                      documents written before it existed)
 */
@Document("conversations")
public record Conversation(
        @Id String id,
        String kind,
        String name,
        String nameLower,
        String topic,
        String visibility,
        String moderationMode,
        int retentionDays,
        String createdBy,
        Instant createdAt,
        List<String> participants,
        Boolean deleted,
        Boolean outboxPending,
        List<PendingEvent> pendingEvents,
        Long lastSeq,
        Long membersVersion) {

    public static final String ROOM = "room";
    public static final String DM = "dm";

    /** Fields a document may lack (DMs are upserted field by field; older documents predate them) get defaults. */
    public Conversation {
        deleted = Boolean.TRUE.equals(deleted);
        outboxPending = Boolean.TRUE.equals(outboxPending);
        pendingEvents = pendingEvents == null ? List.of() : pendingEvents;
        membersVersion = membersVersion == null ? 0L : membersVersion;
    }

    /** The same conversation with {@code event} in its outbox. */
    Conversation withEvent(PendingEvent event) {
        return new Conversation(id, kind, name, nameLower, topic, visibility, moderationMode, retentionDays, createdBy,
                createdAt, participants, deleted, true, List.of(event), lastSeq, membersVersion);
    }

    /** {@link #lastSeq()}, or -1 when this document predates it. */
    public long knownSeq() {
        return lastSeq == null ? -1 : lastSeq;
    }

    public boolean isDm() {
        return DM.equals(kind);
    }

    /** Messages wait for moderation's verdict before anyone but their sender sees them. */
    public boolean isPreModerated() {
        return "pre".equals(moderationMode);
    }

    public boolean isPublic() {
        return "public".equals(visibility);
    }

    /** The one DM id of two users: the same whichever of them asks, so concurrent opens meet on one document. */
    public static String dmId(String userA, String userB) {
        String first = userA.compareTo(userB) <= 0 ? userA : userB;
        String second = first.equals(userA) ? userB : userA;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((first + "\n" + second).getBytes(StandardCharsets.UTF_8));
            return "dm-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }

    static List<String> sortedPair(String userA, String userB) {
        return userA.compareTo(userB) <= 0 ? List.of(userA, userB) : List.of(userB, userA);
    }
}
