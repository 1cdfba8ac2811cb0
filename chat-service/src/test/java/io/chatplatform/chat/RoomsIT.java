package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.retention.RetentionPurge;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.MemberRole;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.chat.MembershipResponse;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class RoomsIT extends ChatServiceITSupport {

    @Autowired
    private KafkaSubscriber kafka;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private RetentionPurge purge;

    @Test
    void ownerCreatesRoomAndMembershipGovernsAccess() {
        String owner = newUser();
        String stranger = newUser();
        String roomId = createRoom(owner, "Private " + UUID.randomUUID(), "private");

        as(owner).get().uri("/api/rooms/{id}", roomId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.visibility").isEqualTo("private")
                .jsonPath("$.moderationMode").isEqualTo("post")
                .jsonPath("$.createdBy").isEqualTo(owner);
        as(stranger).get().uri("/api/rooms/{id}", roomId).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://chat.example/problems/not-a-member");
        as(stranger).post().uri("/api/rooms/{id}/join", roomId).exchange()
                .expectStatus().isForbidden();
        send(stranger, roomId, "c1", "hello").expectStatus().isForbidden();

        addMember(owner, roomId, stranger);
        as(stranger).get().uri("/api/rooms").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].id").isEqualTo(roomId);
        // A plain member may not add others.
        as(stranger).post().uri("/api/rooms/{id}/members", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", newUser()))
                .exchange()
                .expectStatus().isForbidden();
        as(owner).delete().uri("/api/rooms/{id}/members/{user}", roomId, stranger).exchange()
                .expectStatus().isNoContent();
        as(stranger).get().uri("/api/conversations/{id}/messages", roomId).exchange()
                .expectStatus().isForbidden();
        as(stranger).delete().uri("/api/rooms/{id}/members/{user}", roomId, owner).exchange()
                .expectStatus().isForbidden();
        as(owner).post().uri("/api/rooms/{id}/leave", roomId).exchange()
                .expectStatus().isEqualTo(409);
    }

    @Test
    void publicRoomsAreSearchableByPrefixAndJoinable() {
        String owner = newUser();
        String joiner = newUser();
        String tag = "zq" + UUID.randomUUID().toString().substring(0, 6);
        String alpha = createRoom(owner, tag + " Alpha", "public");
        String beta = createRoom(owner, tag.toUpperCase() + " beta", "public");
        createRoom(owner, tag + " hidden", "private");

        as(joiner).get().uri("/api/rooms/public?prefix={p}", tag).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].id").isEqualTo(alpha)
                .jsonPath("$.items[1].id").isEqualTo(beta)
                .jsonPath("$.nextCursor").doesNotExist();
        as(joiner).get().uri("/api/rooms/public?prefix={p}", tag + ".*").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(0);

        as(joiner).post().uri("/api/rooms/{id}/join", alpha).exchange().expectStatus().isOk();
        as(joiner).post().uri("/api/rooms/{id}/join", alpha).exchange().expectStatus().isOk();
        send(joiner, alpha, UUID.randomUUID().toString(), "hi all").expectStatus().isCreated();
        as(joiner).post().uri("/api/rooms/{id}/leave", alpha).exchange().expectStatus().isNoContent();
        send(joiner, alpha, UUID.randomUUID().toString(), "still here?").expectStatus().isForbidden();

        MembershipResponse members = ChatServiceGrpc.newBlockingStub(grpcChannel())
                .membership(MembershipRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(alpha))
                        .build());
        assertThat(members.getMembersList())
                .extracting(member -> member.getUserId() + "=" + member.getRole())
                .containsExactly(owner + "=" + MemberRole.MEMBER_ROLE_OWNER);
    }

    @Test
    void concurrentDmOpensConvergeOnOneConversation() {
        String alice = newUser();
        String bob = newUser();
        List<String> ids = Flux.range(0, 8)
                .parallel(8)
                .runOn(Schedulers.boundedElastic())
                .map(i -> i % 2 == 0 ? openDm(alice, bob) : openDm(bob, alice))
                .sequential()
                .collectList()
                .block(TIMEOUT);

        assertThat(ids).hasSize(8).containsOnly(ids.get(0));
        MembershipResponse members = ChatServiceGrpc.newBlockingStub(grpcChannel())
                .membership(MembershipRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(ids.get(0)))
                        .build());
        assertThat(members.getMembersList())
                .extracting(member -> member.getUserId())
                .containsExactlyInAnyOrder(alice, bob);
        as(newUser()).get().uri("/api/conversations/{id}/messages", ids.get(0)).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void badInputGetsProblemDetails() {
        String user = newUser();
        http().get().uri("/api/rooms").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http().get().uri("/api/rooms").header("Authorization", "Bearer " + TestTokens.foreignToken(user)).exchange()
                .expectStatus().isUnauthorized();
        as(user).get().uri("/api/rooms/{id}", "no-such-room").exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://chat.example/problems/conversation-not-found");
        as(user).get().uri("/api/rooms/{id}", "bad$id").exchange()
                .expectStatus().isBadRequest();
        as(user).post().uri("/api/rooms")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", " ", "visibility", "secret"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("name")
                .jsonPath("$.errors[1].field").isEqualTo("visibility");
        as(user).post().uri("/api/dm/{id}", user).exchange()
                .expectStatus().isBadRequest();
        as(user).get().uri("/api/rooms").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(0);
    }

    @Test
    void publicRoomsPageByCursorToTheLastPage() {
        String owner = newUser();
        String tag = "pg" + UUID.randomUUID().toString().substring(0, 6);
        List<String> created = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Equal names: the id breaks the tie, so no room is skipped or repeated across pages.
            created.add(createRoom(owner, tag + (i < 3 ? " same" : " room " + i), "public"));
        }
        List<Object> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<?, ?> page = as(owner).get()
                    .uri(cursor == null ? "/api/rooms/public?prefix={p}&limit=2" : "/api/rooms/public?prefix={p}&limit=2&cursor={c}",
                            cursor == null ? new Object[] {tag} : new Object[] {tag, cursor})
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            ((List<?>) page.get("items")).forEach(room -> seen.add(((Map<?, ?>) room).get("id")));
            cursor = (String) page.get("nextCursor");
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
        as(owner).get().uri("/api/rooms/public?cursor=not-a-cursor").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        as(owner).get().uri("/api/rooms/public?limit=0").exchange().expectStatus().isBadRequest();
        as(owner).get().uri("/api/rooms/public?limit=101").exchange().expectStatus().isBadRequest();
    }

    @Test
    void ownersAndAdminsRenameOnlyTheOwnerDeletes() {
        String owner = newUser();
        String admin = newUser();
        String member = newUser();
        String roomId = createRoom(owner, "Old name", "public");
        as(owner).post().uri("/api/rooms/{id}/members", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("userId", admin, "role", "admin"))
                .exchange()
                .expectStatus().isCreated();
        addMember(owner, roomId, member);
        sent(member, roomId, "hello");

        rename(member, roomId, Map.of("name", "Mine now")).expectStatus().isForbidden();
        rename(admin, roomId, Map.of("name", " ")).expectStatus().isBadRequest();
        rename(admin, roomId, Map.of()).expectStatus().isBadRequest();
        rename(admin, roomId, Map.of("name", "New name", "topic", "what we talk about")).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.name").isEqualTo("New name")
                .jsonPath("$.topic").isEqualTo("what we talk about");
        as(member).get().uri("/api/rooms/{id}", roomId).exchange()
                .expectBody().jsonPath("$.name").isEqualTo("New name");

        as(admin).delete().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isForbidden();
        as(owner).delete().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isNoContent();
        as(member).get().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isNotFound();
        send(member, roomId, UUID.randomUUID().toString(), "anyone?").expectStatus().isNotFound();
        as(owner).delete().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isNotFound();

        List<EventEnvelope> events = kafka.consume(ConsumerSpec.of("it-" + Ids.newId(), Topics.CHAT_ROOM_EVENTS),
                        record -> Mono.empty())
                .filter(record -> roomId.equals(record.key()))
                .map(record -> parseEvent(record.value()))
                .filter(event -> event.getType().startsWith("room."))
                .take(3)
                .collectList()
                .block(TIMEOUT);
        assertThat(events).extracting(EventEnvelope::getType)
                .containsExactly("room.created", "room.updated", "room.deleted");
        assertThat(events.get(1).getRoomUpdated().getChangedFieldsList()).containsExactly("name", "topic");
        assertThat(events.get(1).getRoomUpdated().getActorUserId()).isEqualTo(admin);
        assertThat(events.get(2).getRoomDeleted().getActorUserId()).isEqualTo(owner);

        // Once room.deleted is out, the purge removes the room's history and members.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            purge.purgeOnce().block(TIMEOUT);
            assertThat(mongo.count(query(where("conversationId").is(roomId)), "messages").block(TIMEOUT)).isZero();
            assertThat(mongo.count(query(where("conversationId").is(roomId)), "members").block(TIMEOUT)).isZero();
        });
    }

    private WebTestClient.ResponseSpec rename(String userId, String roomId, Map<String, String> body) {
        return as(userId).patch().uri("/api/rooms/{id}", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }


    @Test
    void aStrangerIsRefusedOnEveryEndpointAndChangesNothing() {
        String owner = newUser();
        String stranger = newUser();
        String roomId = createRoom(owner, "Members only", "private");
        String messageId = (String) sent(owner, roomId, "for members").get("messageId");
        Map<String, Object> text = Map.of("text", "x", "clientMsgId", "k-" + stranger, "name", "x", "userId", stranger,
                "seq", 1);

        List<WebTestClient.ResponseSpec> refused = List.of(
                as(stranger).get().uri("/api/rooms/{id}", roomId).exchange(),
                as(stranger).patch().uri("/api/rooms/{id}", roomId).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(text).exchange(),
                as(stranger).delete().uri("/api/rooms/{id}", roomId).exchange(),
                as(stranger).post().uri("/api/rooms/{id}/join", roomId).exchange(),
                as(stranger).post().uri("/api/rooms/{id}/members", roomId).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(text).exchange(),
                as(stranger).delete().uri("/api/rooms/{id}/members/{m}", roomId, owner).exchange(),
                as(stranger).post().uri("/api/rooms/{id}/leave", roomId).exchange(),
                as(stranger).get().uri("/api/conversations/{id}/messages", roomId).exchange(),
                as(stranger).post().uri("/api/conversations/{id}/messages", roomId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(text).exchange(),
                as(stranger).patch().uri("/api/conversations/{id}/messages/{m}", roomId, messageId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(text).exchange(),
                as(stranger).delete().uri("/api/conversations/{id}/messages/{m}", roomId, messageId).exchange(),
                as(stranger).post().uri("/api/conversations/{id}/read", roomId)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(text).exchange());
        refused.forEach(response -> response.expectStatus().isForbidden());

        var chat = ChatServiceGrpc.newBlockingStub(grpcChannel());
        ConversationRef room = ConversationRef.newBuilder().setId(roomId).build();
        List<Runnable> grpcCalls = List.of(
                () -> chat.sendMessage(io.chatplatform.contracts.chat.SendMessageRequest.newBuilder()
                        .setConversation(room).setSenderUserId(stranger).setClientMsgId("g-" + stranger)
                        .setText("x").build()),
                () -> chat.history(io.chatplatform.contracts.chat.HistoryRequest.newBuilder()
                        .setConversation(room).setViewerUserId(stranger).build()),
                () -> chat.markRead(io.chatplatform.contracts.chat.MarkReadRequest.newBuilder()
                        .setConversation(room).setUserId(stranger).setUpToSeq(1).build()));
        for (Runnable call : grpcCalls) {
            org.assertj.core.api.Assertions.assertThatThrownBy(call::run)
                    .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, error -> assertThat(
                            error.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
        }

        Map<?, ?> history = history(owner, roomId, "");
        assertThat(seqs(history)).containsExactly(1L);
        assertThat(((Map<?, ?>) ((List<?>) history.get("messages")).get(0)).get("text")).isEqualTo("for members");
        as(owner).get().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("Members only");
    }
}
