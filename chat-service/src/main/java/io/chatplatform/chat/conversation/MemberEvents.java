package io.chatplatform.chat.conversation;

import io.chatplatform.chat.message.MessageEvents;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.contracts.chat.MemberRole;
import io.chatplatform.contracts.events.MembershipChange;
import io.chatplatform.contracts.events.MembershipChanged;
import io.chatplatform.contracts.events.ReceiptKind;
import io.chatplatform.contracts.events.ReceiptUpdated;
import java.time.Instant;

/** The events stored in a membership's outbox: {@code membership.changed} and {@code receipt.updated}. */
final class MemberEvents {

    private MemberEvents() {
    }

    static PendingEvent membershipChanged(String conversationId, boolean dm, String userId, MembershipChange change,
                                          String role, String actorId, Instant at) {
        return MessageEvents.pending(MessageEvents.envelope(conversationId, at)
                .setMembershipChanged(MembershipChanged.newBuilder()
                        .setConversation(MessageEvents.conversationRef(conversationId, dm))
                        .setUserId(userId)
                        .setChange(change)
                        .setRole(role(role))
                        .setActorUserId(actorId)
                        .setAt(MessageEvents.timestamp(at)))
                .build());
    }

    static PendingEvent read(String conversationId, boolean dm, String userId, long upToSeq, Instant at) {
        return MessageEvents.pending(MessageEvents.envelope(conversationId, at)
                .setReceiptUpdated(ReceiptUpdated.newBuilder()
                        .setConversation(MessageEvents.conversationRef(conversationId, dm))
                        .setUserId(userId)
                        .setKind(ReceiptKind.RECEIPT_KIND_READ)
                        .setUpToSeq(upToSeq)
                        .setAt(MessageEvents.timestamp(at)))
                .build());
    }

    private static MemberRole role(String role) {
        if (role == null) {
            return MemberRole.MEMBER_ROLE_UNSPECIFIED;
        }
        return switch (role) {
            case Member.OWNER -> MemberRole.MEMBER_ROLE_OWNER;
            case Member.ADMIN -> MemberRole.MEMBER_ROLE_ADMIN;
            default -> MemberRole.MEMBER_ROLE_MEMBER;
        };
    }
}
