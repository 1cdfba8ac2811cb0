package io.chatplatform.websocket.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.ContactsRequest;
import io.chatplatform.contracts.chat.ContactsResponse;
import io.chatplatform.websocket.chat.ChatClient;
import io.chatplatform.websocket.chat.TestChatClients;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which users connected here see a presence change, and what it costs chat-service: over a real gRPC socket to a
 * stand-in for chat-service's Contacts that answers both questions from one made-up set of conversations.
 */
class PresenceViewersTest {

    private static final String CHANGED = "changed";

    /** The stand-in's answer: who shares a conversation with {@link #CHANGED}. */
    private volatile Set<String> contactsOfChanged = Set.of();
    private final List<Integer> askedAbout = new CopyOnWriteArrayList<>();
    private final List<Integer> allContactsLimits = new CopyOnWriteArrayList<>();
    private Server server;
    private ChatClient client;
    private PresenceViewers viewers;

    @BeforeEach
    void start() throws Exception {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new ChatServiceGrpc.ChatServiceImplBase() {
                    @Override
                    public void contacts(ContactsRequest request, StreamObserver<ContactsResponse> responses) {
                        if (request.getAllContacts()) {
                            allContactsLimits.add(request.getLimit());
                            List<String> all = List.copyOf(contactsOfChanged);
                            boolean truncated = all.size() > request.getLimit();
                            responses.onNext(ContactsResponse.newBuilder()
                                    .addAllContactUserIds(truncated ? all.subList(0, request.getLimit()) : all)
                                    .setTruncated(truncated)
                                    .build());
                        } else if (request.getOtherUserIdsCount() > ChatClient.CONTACTS_PER_CALL) {
                            responses.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                            return;
                        } else {
                            askedAbout.add(request.getOtherUserIdsCount());
                            responses.onNext(ContactsResponse.newBuilder()
                                    .addAllContactUserIds(request.getOtherUserIdsList().stream()
                                            .filter(contactsOfChanged::contains).toList())
                                    .build());
                        }
                        responses.onCompleted();
                    }
                })
                .build()
                .start();
        client = TestChatClients.forPort(server.getPort());
        viewers = new PresenceViewers(client);
    }

    @AfterEach
    void stop() throws Exception {
        client.destroy();
        server.shutdownNow();
    }

    @Test
    void fewUsersHereAreAskedAboutInOneCall() {
        Set<String> here = users(0, 600);
        here.add(CHANGED);
        contactsOfChanged = Set.of("u-7", "u-599", "u-elsewhere");

        assertThat(viewers.among(CHANGED, here).block(Duration.ofSeconds(30)))
                .containsExactlyInAnyOrder("u-7", "u-599");
        assertThat(askedAbout).containsExactly(600);
        assertThat(allContactsLimits).isEmpty();
    }

    @Test
    void manyUsersHereAreMatchedAgainstTheChangedUsersContactsInOneCall() {
        Set<String> here = users(0, 5_000);
        here.add(CHANGED);
        contactsOfChanged = Set.of("u-7", "u-4999", "u-elsewhere", "u-6000");

        assertThat(viewers.among(CHANGED, here).block(Duration.ofSeconds(30)))
                .containsExactlyInAnyOrder("u-7", "u-4999");
        assertThat(allContactsLimits).containsExactly(PresenceViewers.ALL_CONTACTS_LIMIT);
        assertThat(askedAbout).isEmpty();
    }

    @Test
    void moreContactsThanChatServiceListsFallBackToAskingAboutTheUsersHere() {
        Set<String> here = users(0, 2_500);
        here.add(CHANGED);
        Set<String> contacts = users(2_000, 2_000 + PresenceViewers.ALL_CONTACTS_LIMIT + 1);
        contactsOfChanged = contacts;

        Set<String> expected = here.stream().filter(contacts::contains).collect(Collectors.toSet());
        assertThat(expected).hasSize(500);
        assertThat(viewers.among(CHANGED, here).block(Duration.ofSeconds(30))).isEqualTo(expected);
        assertThat(allContactsLimits).containsExactly(PresenceViewers.ALL_CONTACTS_LIMIT);
        assertThat(askedAbout).containsExactlyInAnyOrder(1000, 1000, 500);
    }

    @Test
    void nobodyElseHereAsksNothing() {
        assertThat(viewers.among(CHANGED, Set.of(CHANGED)).block(Duration.ofSeconds(30))).isEmpty();
        assertThat(viewers.among(CHANGED, Set.of()).block(Duration.ofSeconds(30))).isEmpty();
        assertThat(askedAbout).isEmpty();
        assertThat(allContactsLimits).isEmpty();
    }

    private static Set<String> users(int from, int to) {
        Set<String> users = ConcurrentHashMap.newKeySet();
        IntStream.range(from, to).mapToObj(i -> "u-" + i).forEach(users::add);
        return users;
    }
}
