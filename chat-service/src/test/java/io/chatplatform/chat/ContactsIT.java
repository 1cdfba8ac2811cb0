package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.ContactsRequest;
import io.chatplatform.contracts.chat.ContactsResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * gRPC {@code ChatService.Contacts} over a real socket, on stored rooms and DMs: which users may see a user's presence,
 * asked about some users or about all of them (the question websocket-service asks when it holds more users than the
 * changed user is likely to share a conversation with).
 */
class ContactsIT extends ChatServiceITSupport {

    @Test
    void theUsersAskedAboutWhoShareAConversation() {
        String alice = newUser();
        String bob = newUser();
        String stranger = newUser();
        addMember(alice, createRoom(alice, "Team", "private"), bob);

        ContactsResponse answer = chat().contacts(ContactsRequest.newBuilder().setUserId(alice)
                .addAllOtherUserIds(List.of(bob, stranger)).build());

        assertThat(answer.getContactUserIdsList()).containsExactly(bob);
        assertThat(answer.getTruncated()).isFalse();
    }

    @Test
    void allContactsAreTheMembersOfEveryRoomAndDmButNeitherTheUserNorFormerMembersNorStrangers() {
        String alice = newUser();
        String bob = newUser();
        String carol = newUser();
        String dana = newUser();
        String stranger = newUser();
        String team = createRoom(alice, "Team", "private");
        addMember(alice, team, bob);
        addMember(alice, team, carol);
        String otherRoom = createRoom(bob, "Elsewhere", "private");
        addMember(bob, otherRoom, stranger);
        openDm(alice, dana);

        assertThat(all(alice, 100).getContactUserIdsList()).containsExactlyInAnyOrder(bob, carol, dana);
        assertThat(all(alice, 100).getTruncated()).isFalse();
        // Bob's contacts come from both of his rooms.
        assertThat(all(bob, 100).getContactUserIdsList()).containsExactlyInAnyOrder(alice, carol, stranger);

        as(alice).delete().uri("/api/rooms/{id}/members/{user}", team, carol).exchange()
                .expectStatus().isNoContent();
        assertThat(all(alice, 100).getContactUserIdsList()).containsExactlyInAnyOrder(bob, dana);
        assertThat(all(newUser(), 100).getContactUserIdsList()).isEmpty();
    }

    @Test
    void moreContactsThanTheLimitAnswerThatManyAndSaySoTruncated() {
        String owner = newUser();
        String room = createRoom(owner, "Crowd", "public");
        List<String> members = IntStream.range(0, 5).mapToObj(i -> newUser()).toList();
        members.forEach(member -> addMember(owner, room, member));

        ContactsResponse limited = all(owner, 3);
        assertThat(limited.getTruncated()).isTrue();
        assertThat(limited.getContactUserIdsList()).hasSize(3).doesNotHaveDuplicates().isSubsetOf(members);

        ContactsResponse exact = all(owner, 5);
        assertThat(exact.getTruncated()).isFalse();
        assertThat(exact.getContactUserIdsList()).containsExactlyInAnyOrderElementsOf(members);
    }

    @Test
    void badQuestionsAreRefusedWithInvalidArgument() {
        String alice = newUser();
        List<ContactsRequest> refused = List.of(
                ContactsRequest.newBuilder().setUserId(alice).setAllContacts(true).setLimit(0).build(),
                ContactsRequest.newBuilder().setUserId(alice).setAllContacts(true).setLimit(10_001).build(),
                ContactsRequest.newBuilder().setUserId(alice).setAllContacts(true).setLimit(10)
                        .addOtherUserIds(newUser()).build(),
                ContactsRequest.newBuilder().setUserId(alice)
                        .addAllOtherUserIds(IntStream.range(0, 1_001).mapToObj(i -> "u" + i).toList()).build(),
                ContactsRequest.newBuilder().setUserId("not an id").setAllContacts(true).setLimit(10).build());
        for (ContactsRequest request : refused) {
            assertThatThrownBy(() -> chat().contacts(request)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
    }

    private ContactsResponse all(String userId, int limit) {
        return chat().contacts(ContactsRequest.newBuilder().setUserId(userId).setAllContacts(true).setLimit(limit)
                .build());
    }

    private ChatServiceGrpc.ChatServiceBlockingStub chat() {
        return ChatServiceGrpc.newBlockingStub(grpcChannel());
    }
}
