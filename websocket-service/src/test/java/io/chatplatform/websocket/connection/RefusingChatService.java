package io.chatplatform.websocket.connection;

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
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A stand-in for chat-service on a real gRPC socket that refuses everything the way chat-service does, chosen by
 * conversation id: {@code c-forbidden} (not a member: {@code PERMISSION_DENIED}), {@code c-missing}
 * ({@code NOT_FOUND}), {@code c-limited} ({@code RESOURCE_EXHAUSTED}), {@code c-conflict}
 * ({@code FAILED_PRECONDITION}); nobody is a member of anything and shares no conversation with anyone. What
 * chat-service decides is tested in chat-service; this checks how websocket-service passes its refusals on.
 */
final class RefusingChatService extends ChatServiceGrpc.ChatServiceImplBase {

    private static RefusingChatService instance;

    private final Server server;

    private RefusingChatService() {
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(this)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "refusing-chat-service-stop"));
    }

    /** The one instance of the test JVM, started on first use. */
    static synchronized RefusingChatService get() {
        if (instance == null) {
            instance = new RefusingChatService();
        }
        return instance;
    }

    int port() {
        return server.getPort();
    }

    /** Points the websocket-service under test at this stand-in. */
    static void useAsChatService(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("chat.websocket.chat-target", () -> "127.0.0.1:" + get().port());
    }

    private static Status refusal(String conversationId) {
        return switch (conversationId) {
            case "c-missing" -> Status.NOT_FOUND.withDescription("No such conversation.");
            case "c-limited" -> Status.RESOURCE_EXHAUSTED.withDescription("Too many messages; retry later.");
            case "c-conflict" -> Status.FAILED_PRECONDITION.withDescription("clientMsgId used elsewhere.");
            default -> Status.PERMISSION_DENIED.withDescription("You are not a member of this conversation.");
        };
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> responses) {
        responses.onError(refusal(request.getConversation().getId()).asRuntimeException());
    }

    @Override
    public void editMessage(EditMessageRequest request, StreamObserver<EditMessageResponse> responses) {
        responses.onError(refusal(request.getConversation().getId()).asRuntimeException());
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request, StreamObserver<DeleteMessageResponse> responses) {
        responses.onError(refusal(request.getConversation().getId()).asRuntimeException());
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> responses) {
        responses.onError(refusal(request.getConversation().getId()).asRuntimeException());
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> responses) {
        responses.onError(refusal(request.getConversation().getId()).asRuntimeException());
    }

    @Override
    public void membership(MembershipRequest request, StreamObserver<MembershipResponse> responses) {
        responses.onNext(MembershipResponse.getDefaultInstance());
        responses.onCompleted();
    }

    @Override
    public void contacts(ContactsRequest request, StreamObserver<ContactsResponse> responses) {
        responses.onNext(ContactsResponse.getDefaultInstance());
        responses.onCompleted();
    }
}
