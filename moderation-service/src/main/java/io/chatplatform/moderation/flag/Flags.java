package io.chatplatform.moderation.flag;

import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.moderation.Flag;
import io.chatplatform.contracts.moderation.FlagStatus;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.contracts.moderation.VerdictReason;
import io.chatplatform.moderation.events.ModerationEvents;

/** Conversions between stored flags and the contract's {@code Flag}. */
public final class Flags {

    private Flags() {
    }

    public static ConversationRef conversation(StoredFlag flag) {
        ConversationKind kind;
        try {
            kind = ConversationKind.valueOf(flag.conversationKind());
        } catch (RuntimeException e) {
            kind = ConversationKind.CONVERSATION_KIND_UNSPECIFIED;
        }
        return ConversationRef.newBuilder().setId(flag.conversationId()).setKind(kind).build();
    }

    public static Flag toProto(StoredFlag flag) {
        Flag.Builder proto = Flag.newBuilder()
                .setFlagId(flag.id())
                .setConversation(conversation(flag))
                .setMessageId(flag.messageId())
                .setSeq(flag.seq())
                .setSenderUserId(nullToEmpty(flag.senderUserId()))
                .setTextSnapshot(nullToEmpty(flag.text()))
                .setVerdict(Verdict.valueOf("VERDICT_" + flag.verdict()))
                .setStatus(FlagStatus.valueOf("FLAG_STATUS_" + flag.status()))
                .setCreatedAt(ModerationEvents.timestamp(flag.createdAt()))
                .setReviewNote(nullToEmpty(flag.reviewNote()));
        flag.reasons().forEach(reason -> proto.addReasons(VerdictReason.newBuilder()
                .setRuleId(nullToEmpty(reason.ruleId()))
                .setCode(reason.code())
                .setDetail(reason.detail())));
        if (flag.reviewedAt() != null) {
            proto.setReviewedAt(ModerationEvents.timestamp(flag.reviewedAt()));
            proto.setReviewedBy(Actor.newBuilder()
                    .setKind(ActorKind.ACTOR_KIND_MODERATOR)
                    .setUserId(nullToEmpty(flag.reviewedBy())));
        }
        return proto.build();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
