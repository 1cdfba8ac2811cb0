package io.chatplatform.websocket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.ContactsRequest;
import io.chatplatform.contracts.chat.ContactsResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Contacts question for more users than chat-service takes in one call (a presence change on an instance with
 * thousands of connected users) is asked in calls within the limit, over a real gRPC socket to a stand-in that refuses
 * larger calls as chat-service does.
 */
class ChatClientContactsTest {

    private final List<Integer> callSizes = new CopyOnWriteArrayList<>();
    private Server server;
    private ChatClient client;

    @BeforeEach
    void start() throws Exception {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new ChatServiceGrpc.ChatServiceImplBase() {
                    /** Refuses more than chat-service takes; everyone whose id ends in 7 is a contact. */
                    @Override
                    public void contacts(ContactsRequest request, StreamObserver<ContactsResponse> responses) {
                        callSizes.add(request.getOtherUserIdsCount());
                        if (request.getOtherUserIdsCount() > ChatClient.CONTACTS_PER_CALL) {
                            responses.onError(Status.INVALID_ARGUMENT
                                    .withDescription("other_user_ids: at most 1000").asRuntimeException());
                            return;
                        }
                        responses.onNext(ContactsResponse.newBuilder()
                                .addAllContactUserIds(request.getOtherUserIdsList().stream()
                                        .filter(id -> id.endsWith("7")).toList())
                                .build());
                        responses.onCompleted();
                    }
                })
                .build()
                .start();
        client = TestChatClients.forPort(server.getPort());
    }

    @AfterEach
    void stop() throws Exception {
        client.destroy();
        server.shutdownNow();
    }

    @Test
    void manyUsersAreAskedInCallsWithinTheLimitAndTheAnswersJoined() {
        List<String> others = IntStream.range(0, 2_501).mapToObj(i -> "user-" + i).toList();

        Set<String> contacts = client.contacts("me", others).block(Duration.ofSeconds(30));

        assertThat(contacts).isEqualTo(others.stream().filter(id -> id.endsWith("7")).collect(Collectors.toSet()));
        assertThat(callSizes).containsExactlyInAnyOrder(1000, 1000, 501);
    }

    @Test
    void nobodyToAskAboutMakesNoCall() {
        assertThat(client.contacts("me", List.of()).block(Duration.ofSeconds(30))).isEmpty();
        assertThat(callSizes).isEmpty();
    }
}
