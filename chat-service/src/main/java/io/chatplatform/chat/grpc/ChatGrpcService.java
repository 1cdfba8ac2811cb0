package io.chatplatform.chat.grpc;

import io.chatplatform.chat.Problems;
import io.chatplatform.chat.conversation.ConversationAccess;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.conversation.Member;
import io.chatplatform.chat.message.MessageEvents;
import io.chatplatform.chat.message.MessageModeration;
import io.chatplatform.chat.message.MessageService;
import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HistoryRequest;
import io.chatplatform.contracts.chat.HistoryResponse;
import io.chatplatform.contracts.chat.MarkReadRequest;
import io.chatplatform.contracts.chat.MarkReadResponse;
import io.chatplatform.contracts.chat.MemberRole;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.chat.MembershipResponse;
import io.chatplatform.contracts.chat.ContactsRequest;
import io.chatplatform.contracts.chat.ContactsResponse;
import io.chatplatform.contracts.chat.DeleteMessageRequest;
import io.chatplatform.contracts.chat.DeleteMessageResponse;
import io.chatplatform.contracts.chat.EditMessageRequest;
import io.chatplatform.contracts.chat.EditMessageResponse;
import io.chatplatform.contracts.chat.HideMessageRequest;
import io.chatplatform.contracts.chat.HideMessageResponse;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.chat.SendMessageResponse;
import io.chatplatform.contracts.common.PageInfo;
import io.chatplatform.support.problem.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.service.GrpcService;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/** {@code ChatService} over gRPC; errors map from the REST problems to the statuses the contract names. */
@GrpcService
class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(ChatGrpcService.class);
    private static final int MAX_MEMBERS_PAGE = 500;
    private static final int MAX_CONTACTS = 1000;
    /** About 300 KB of ids in one answer, well within a gRPC message. */
    private static final int MAX_ALL_CONTACTS = 10_000;
    private static final int DEFAULT_MEMBERS_PAGE = 100;

    private final MessageService messages;
    private final MessageModeration moderation;
    private final ConversationAccess access;
    private final ConversationStore conversations;

    ChatGrpcService(MessageService messages, MessageModeration moderation, ConversationAccess access,
                    ConversationStore conversations) {
        this.messages = messages;
        this.moderation = moderation;
        this.access = access;
        this.conversations = conversations;
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> responses) {
        String replyTo = request.getReplyToMessageId().isEmpty() ? null : request.getReplyToMessageId();
        Mono<SendMessageResponse> answer = Mono.defer(() -> messages.send(request.getConversation().getId(),
                        Problems.requireId("sender_user_id", request.getSenderUserId()), request.getClientMsgId(),
                        request.getText(), replyTo))
                .map(appended -> SendMessageResponse.newBuilder()
                        .setMessageId(appended.message().id())
                        .setSeq(appended.message().seq())
                        .setCreatedAt(MessageEvents.timestamp(appended.message().createdAt()))
                        .setDuplicate(appended.duplicate())
                        .setModerationState(MessageEvents.moderationState(appended.message().moderationState()))
                        .build());
        respond(answer, responses);
    }

    @Override
    public void editMessage(EditMessageRequest request, StreamObserver<EditMessageResponse> responses) {
        String editorId = request.getEditorUserId();
        Mono<EditMessageResponse> answer = Mono.defer(() -> messages.edit(request.getConversation().getId(),
                        request.getMessageId(), Problems.requireId("editor_user_id", editorId), request.getText()))
                .map(edited -> EditMessageResponse.newBuilder()
                        .setMessage(MessageEvents.toProto(edited, editorId))
                        .build());
        respond(answer, responses);
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request, StreamObserver<DeleteMessageResponse> responses) {
        Mono<DeleteMessageResponse> answer = Mono.defer(() -> messages.delete(request.getConversation().getId(),
                        request.getMessageId(), new MessageService.Actor(
                                Problems.requireId("user_id", request.getUserId()), request.getModerator())))
                .thenReturn(DeleteMessageResponse.getDefaultInstance());
        respond(answer, responses);
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> responses) {
        String viewerId = request.getViewerUserId();
        Mono<HistoryResponse> answer = Mono.defer(() -> messages.history(request.getConversation().getId(),
                        Problems.requireId("viewer_user_id", viewerId), request.getBeforeSeq(),
                        request.getAfterSeq(), request.getLimit()))
                .map(page -> HistoryResponse.newBuilder()
                        .addAllMessages(page.messages().stream()
                                .map(message -> MessageEvents.toProto(message, viewerId))
                                .toList())
                        .setHasMore(page.hasMore())
                        .setLatestSeq(page.latestSeq())
                        .build());
        respond(answer, responses);
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> responses) {
        Mono<MarkReadResponse> answer = Mono.defer(() -> request.getUpToSeq() < 0
                        ? Mono.error(Problems.invalid("up_to_seq", "must not be negative"))
                        : messages.markRead(request.getConversation().getId(),
                                Problems.requireId("user_id", request.getUserId()), request.getUpToSeq()))
                .map(marker -> MarkReadResponse.newBuilder()
                        .setLastReadSeq(marker.lastReadSeq())
                        .setUnreadCount(marker.unreadCount())
                        .build());
        respond(answer, responses);
    }

    /**
     * Hides a message for moderation-service. The actor comes from the request's {@code moderator}: a user id for a
     * moderator's decision, {@code system} for an automatic verdict.
     */
    @Override
    public void hideMessage(HideMessageRequest request, StreamObserver<HideMessageResponse> responses) {
        String actorId = request.getModerator().getKind() == ActorKind.ACTOR_KIND_SYSTEM
                || request.getModerator().getUserId().isEmpty()
                ? MessageEvents.SYSTEM
                : request.getModerator().getUserId();
        Mono<HideMessageResponse> answer = Mono.defer(() -> moderation.hide(request.getConversation().getId(),
                        request.getMessageId(), actorId, request.getReason(), request.getFlagId()))
                .map(result -> HideMessageResponse.newBuilder()
                        .setSeq(result.seq())
                        .setAlreadyHidden(result.alreadyHidden())
                        .setHiddenAt(MessageEvents.timestamp(result.hiddenAt()))
                        .build());
        respond(answer, responses);
    }

    @Override
    public void membership(MembershipRequest request, StreamObserver<MembershipResponse> responses) {
        String conversationId = request.getConversation().getId();
        Mono<MembershipResponse> answer = access.existing(conversationId)
                .flatMap(conversation -> request.getUserIdsCount() > 0
                        ? some(conversationId, request.getUserIdsList())
                        : page(conversationId, request));
        respond(answer, responses);
    }

    /**
     * Who may see {@code user_id}'s presence: those among {@code other_user_ids} who share a conversation with them,
     * or with {@code all_contacts} everyone who does, up to {@code limit}.
     */
    @Override
    public void contacts(ContactsRequest request, StreamObserver<ContactsResponse> responses) {
        Mono<ContactsResponse> answer = Mono.defer(() -> {
            String userId = Problems.requireId("user_id", request.getUserId());
            if (request.getAllContacts()) {
                return allContacts(userId, request);
            }
            if (request.getOtherUserIdsCount() > MAX_CONTACTS) {
                return Mono.error(Problems.invalid("other_user_ids", "at most " + MAX_CONTACTS));
            }
            return conversations.contacts(userId, request.getOtherUserIdsList())
                    .map(contacts -> ContactsResponse.newBuilder().addAllContactUserIds(contacts).build());
        });
        respond(answer, responses);
    }

    private Mono<ContactsResponse> allContacts(String userId, ContactsRequest request) {
        if (request.getOtherUserIdsCount() > 0) {
            return Mono.error(Problems.invalid("other_user_ids", "must be empty with all_contacts"));
        }
        if (request.getLimit() < 1 || request.getLimit() > MAX_ALL_CONTACTS) {
            return Mono.error(Problems.invalid("limit", "from 1 to " + MAX_ALL_CONTACTS + " with all_contacts"));
        }
        return conversations.allContacts(userId, request.getLimit())
                .map(found -> ContactsResponse.newBuilder()
                        .addAllContactUserIds(found.userIds())
                        .setTruncated(found.truncated())
                        .build());
    }

    private Mono<MembershipResponse> some(String conversationId, List<String> userIds) {
        if (userIds.size() > MAX_MEMBERS_PAGE) {
            return Mono.error(Problems.invalid("user_ids", "at most " + MAX_MEMBERS_PAGE));
        }
        return conversations.members(conversationId, userIds)
                .map(ChatGrpcService::toProto)
                .collectList()
                .map(members -> MembershipResponse.newBuilder()
                        .addAllMembers(members)
                        .build());
    }

    /** The cursor is the last user id of the previous page (members are ordered by user id). */
    private Mono<MembershipResponse> page(String conversationId, MembershipRequest request) {
        int requested = request.getPage().getLimit();
        int limit = requested <= 0 ? DEFAULT_MEMBERS_PAGE : Math.min(requested, MAX_MEMBERS_PAGE);
        return conversations.members(conversationId, request.getPage().getCursor(), limit + 1)
                .collectList()
                .map(rows -> {
                    boolean hasMore = rows.size() > limit;
                    List<Member> page = rows.subList(0, Math.min(limit, rows.size()));
                    return MembershipResponse.newBuilder()
                            .addAllMembers(page.stream().map(ChatGrpcService::toProto).toList())
                            .setPage(PageInfo.newBuilder()
                                    .setHasMore(hasMore)
                                    .setNextCursor(hasMore ? page.get(page.size() - 1).userId() : ""))
                            .build();
                });
    }

    private static io.chatplatform.contracts.chat.Member toProto(Member member) {
        MemberRole role = switch (member.role()) {
            case Member.OWNER -> MemberRole.MEMBER_ROLE_OWNER;
            case Member.ADMIN -> MemberRole.MEMBER_ROLE_ADMIN;
            default -> MemberRole.MEMBER_ROLE_MEMBER;
        };
        return io.chatplatform.contracts.chat.Member.newBuilder()
                .setUserId(member.userId())
                .setRole(role)
                .setJoinedAt(MessageEvents.timestamp(member.joinedAt()))
                .setLastReadSeq(member.lastReadSeq())
                .build();
    }

    private static <T> void respond(Mono<T> answer, StreamObserver<T> responses) {
        Disposable.Swap call = Disposables.swap();
        if (responses instanceof ServerCallStreamObserver<T> serverCall) {
            // A call whose deadline passed or whose client went away stops here instead of working on (retrying a
            // seq, say) for nobody; a write that already happened stays, which is what a retry of the call expects.
            serverCall.setOnCancelHandler(call::dispose);
        }
        // contextCapture: the call's observation (opened on this thread by the server interceptor) goes into the
        // Reactor context, so the trace follows the chain onto other threads (e.g. into the events it stores).
        call.update(answer.contextCapture().subscribe(
                value -> {
                    responses.onNext(value);
                    responses.onCompleted();
                },
                error -> responses.onError(toStatus(error))));
    }

    private static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException status) {
            return status;
        }
        if (error instanceof ApiException api) {
            Status status = switch (api.getStatusCode().value()) {
                case 400 -> Status.INVALID_ARGUMENT;
                case 403 -> Status.PERMISSION_DENIED;
                case 404 -> Status.NOT_FOUND;
                case 409 -> Status.FAILED_PRECONDITION;
                case 429 -> Status.RESOURCE_EXHAUSTED;
                default -> Status.INTERNAL;
            };
            return status.withDescription(api.getBody().getDetail()).asRuntimeException();
        }
        log.error("gRPC call failed", error);
        return Status.INTERNAL.withDescription("internal error").asRuntimeException();
    }
}
