package io.chatplatform.chat.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
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
        List<String> participants) {

    public static final String ROOM = "room";
    public static final String DM = "dm";

    public boolean isDm() {
        return DM.equals(kind);
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
