package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.MemberRole;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.chat.MembershipResponse;
import io.chatplatform.contracts.common.ConversationRef;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class RoomsIT extends ChatServiceITSupport {

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
                .jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].id").isEqualTo(alpha)
                .jsonPath("$[1].id").isEqualTo(beta);
        as(joiner).get().uri("/api/rooms/public?prefix={p}", tag + ".*").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(0);

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
}
