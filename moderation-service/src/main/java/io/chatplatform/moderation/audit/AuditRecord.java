package io.chatplatform.moderation.audit;

import java.time.Instant;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One audited action in the append-only {@code audit} collection: who ({@code actorKind}, {@code actorUserId}),
 * what ({@code action}, the targets), when ({@code at}) and why ({@code reason}).
 *
 * @param action an {@code AuditAction} name without its prefix, e.g. {@code USER_BLOCKED}
 */
@Document(AuditRecord.COLLECTION)
public record AuditRecord(
        @Id String id,
        Instant at,
        String actorKind,
        String actorUserId,
        String action,
        String targetUserId,
        String targetId,
        String reason,
        Map<String, String> details) {

    public static final String COLLECTION = "audit";
}
