package io.chatplatform.websocket.chat;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.ContactsRequest;
import io.chatplatform.contracts.chat.ContactsResponse;
import io.chatplatform.contracts.chat.DeleteMessageRequest;
import io.chatplatform.contracts.chat.DeleteMessageResponse;
import io.chatplatform.contracts.chat.EditMessageRequest;
import io.chatplatform.contracts.chat.EditMessageResponse;
import io.chatplatform.contracts.chat.HistoryRequest;
import io.chatplatform.contracts.chat.HistoryResponse;
import io.chatplatform.contracts.chat.MarkReadRequest;
import io.chatplatform.contracts.chat.MarkReadResponse;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.chat.MembershipResponse;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.chat.SendMessageResponse;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.support.grpc.ServiceAuthProperties;
import io.chatplatform.support.grpc.ServiceChannels;
import io.chatplatform.support.grpc.ServiceCredentials;
import io.chatplatform.support.grpc.UnaryCalls;
import io.chatplatform.websocket.WebSocketProperties;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.grpc.stub.StreamObserver;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** chat-service's gRPC ChatService as Monos, each call with the configured deadline. */
@Component
public class ChatClient implements DisposableBean {

    /** The most {@code other_user_ids} chat-service takes in one Contacts call (see chat_service.proto). */
    public static final int CONTACTS_PER_CALL = 1000;
    private static final int CONTACTS_CONCURRENCY = 4;

    private final WebSocketProperties properties;
    private final ManagedChannel channel;
    private final ChatServiceGrpc.ChatServiceStub stub;

    public ChatClient(WebSocketProperties properties, ServiceAuthProperties serviceAuth,
                      ObservationRegistry observations) {
        this.properties = properties;
        // Connects on the first call, so websocket-service starts whether or not chat-service is up yet. The
        // interceptor observes each call and sends the trace context of the frame that caused it in its metadata.
        this.channel = ServiceChannels.to(properties.chatTarget())
                .intercept(new ObservationGrpcClientInterceptor(observations))
                .build();
        this.stub = ServiceCredentials.attach(ChatServiceGrpc.newStub(channel), serviceAuth.token());
    }

    public Mono<SendMessageResponse> send(SendMessageRequest request) {
        return call(request, (stub, observer) -> stub.sendMessage(request, observer));
    }

    public Mono<EditMessageResponse> edit(EditMessageRequest request) {
        return call(request, (stub, observer) -> stub.editMessage(request, observer));
    }

    public Mono<DeleteMessageResponse> delete(DeleteMessageRequest request) {
        return call(request, (stub, observer) -> stub.deleteMessage(request, observer));
    }

    public Mono<MarkReadResponse> markRead(String conversationId, String userId, long upToSeq) {
        MarkReadRequest request = MarkReadRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .setUserId(userId)
                .setUpToSeq(upToSeq)
                .build();
        return call(request, (stub, observer) -> stub.markRead(request, observer));
    }

    public Mono<HistoryResponse> history(String conversationId, String viewerId, long afterSeq, int limit) {
        HistoryRequest request = HistoryRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .setViewerUserId(viewerId)
                .setAfterSeq(afterSeq)
                .setLimit(limit)
                .build();
        return call(request, (stub, observer) -> stub.history(request, observer));
    }

    /**
     * Which of {@code others} share a conversation with {@code userId}, asked in calls of at most
     * {@value #CONTACTS_PER_CALL} users each (chat-service refuses more in one), a few at a time.
     */
    public Mono<Set<String>> contacts(String userId, Collection<String> others) {
        List<String> all = List.copyOf(others);
        int calls = (all.size() + CONTACTS_PER_CALL - 1) / CONTACTS_PER_CALL;
        return Flux.range(0, calls)
                .flatMap(part -> contacts(ContactsRequest.newBuilder()
                        .setUserId(userId)
                        .addAllOtherUserIds(all.subList(part * CONTACTS_PER_CALL,
                                Math.min(all.size(), (part + 1) * CONTACTS_PER_CALL)))
                        .build()), CONTACTS_CONCURRENCY)
                .flatMapIterable(ContactsResponse::getContactUserIdsList)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Everyone who shares a conversation with {@code userId}, at most {@code limit} of them; empty when there are
     * more (the answer would be incomplete).
     */
    public Mono<Optional<Set<String>>> allContacts(String userId, int limit) {
        return contacts(ContactsRequest.newBuilder().setUserId(userId).setAllContacts(true).setLimit(limit).build())
                .map(response -> response.getTruncated()
                        ? Optional.<Set<String>>empty()
                        : Optional.of(Set.copyOf(response.getContactUserIdsList())));
    }

    private Mono<ContactsResponse> contacts(ContactsRequest request) {
        return call(request, (stub, observer) -> stub.contacts(request, observer));
    }

    /** Which of {@code userIds} are members of the conversation. */
    public Mono<MembershipResponse> members(String conversationId, Collection<String> userIds) {
        MembershipRequest request = MembershipRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .addAllUserIds(userIds)
                .build();
        return call(request, (stub, observer) -> stub.membership(request, observer));
    }

    /**
     * Starts the call inside the observation of the caller's Reactor context (a client frame's), so the call's
     * observation, and its trace context on the wire, are that frame's children.
     */
    private <Q, R> Mono<R> call(Q request, BiConsumer<ChatServiceGrpc.ChatServiceStub, StreamObserver<R>> invoke) {
        return Mono.deferContextual(context -> UnaryCalls.<R>mono(observer -> {
            Observation parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            try (Observation.Scope scope = parent == null ? Observation.Scope.NOOP : parent.openScope()) {
                invoke.accept(stub.withDeadlineAfter(properties.grpcTimeout().toMillis(), TimeUnit.MILLISECONDS),
                        observer);
            }
        }));
    }

    @Override
    public void destroy() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
