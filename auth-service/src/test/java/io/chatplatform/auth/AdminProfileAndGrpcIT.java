package io.chatplatform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.auth.AuthServiceGrpc;
import io.chatplatform.contracts.auth.GetUsersRequest;
import io.chatplatform.contracts.auth.GetUsersResponse;
import io.chatplatform.contracts.auth.SetAccountStatusRequest;
import io.chatplatform.contracts.auth.SetAccountStatusResponse;
import io.chatplatform.contracts.auth.TokenFailure;
import io.chatplatform.contracts.auth.ValidateTokenRequest;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.events.EventEnvelope;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Roles, blocking (gRPC and REST), GetUsers, profiles and search. */
class AdminProfileAndGrpcIT extends AuthServiceITSupport {

    private AuthServiceGrpc.AuthServiceBlockingStub serviceStub(String secret) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + secret);
        return AuthServiceGrpc.newBlockingStub(grpcChannel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void blockingOverGrpcRevokesSessionsRefusesLoginAndRefreshAndPublishesEvents() {
        String username = uniqueName("blocked");
        String userId = register(username);
        Map<?, ?> tokens = login(username, PASSWORD);
        String access = (String) tokens.get("accessToken");
        SetAccountStatusRequest block = SetAccountStatusRequest.newBuilder()
                .setUserId(userId)
                .setStatus(AccountStatus.ACCOUNT_STATUS_BLOCKED)
                .setReason("spam")
                .setActor(Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_MODERATOR).setUserId("mod-1")
                        .setService("moderation-service"))
                .build();

        assertThatThrownBy(() -> AuthServiceGrpc.newBlockingStub(grpcChannel()).setAccountStatus(block))
                .isInstanceOfSatisfying(StatusRuntimeException.class, error -> assertThat(error.getStatus().getCode())
                        .isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> serviceStub("wrong-secret").setAccountStatus(block))
                .isInstanceOfSatisfying(StatusRuntimeException.class, error -> assertThat(error.getStatus().getCode())
                        .isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> serviceStub(access).setAccountStatus(block))
                .as("a user token is not a service credential")
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> serviceStub(SERVICE_SECRET).setAccountStatus(block.toBuilder()
                .setStatus(AccountStatus.ACCOUNT_STATUS_UNSPECIFIED).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, error -> {
                    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(error.getStatus().getDescription()).contains("status");
                });
        getMe(access).expectStatus().isOk();

        SetAccountStatusResponse response = serviceStub(SERVICE_SECRET).setAccountStatus(block);

        assertThat(response.getPreviousStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
        assertThat(response.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_BLOCKED);
        assertThat(response.getRevokedSessions()).isEqualTo(1);
        getMe(access).expectStatus().isUnauthorized();
        assertThat(AuthServiceGrpc.newBlockingStub(grpcChannel())
                .validateToken(ValidateTokenRequest.newBuilder().setToken(access).build()).getFailure())
                .isIn(TokenFailure.TOKEN_FAILURE_SESSION_REVOKED, TokenFailure.TOKEN_FAILURE_ACCOUNT_BLOCKED);
        http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", tokens.get("refreshToken")))
                .exchange()
                .expectStatus().isUnauthorized();
        http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", "not the password"))
                .exchange()
                .expectStatus().isUnauthorized();
        http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", PASSWORD))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://chat.example/problems/account-blocked");

        EventEnvelope changed = awaitEvent(userId, EventEnvelope::hasAccountStatusChanged);
        assertThat(changed.getType()).isEqualTo("user.status-changed");
        assertThat(changed.getAccountStatusChanged().getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_BLOCKED);
        assertThat(changed.getAccountStatusChanged().getActor().getUserId()).isEqualTo("mod-1");
        assertThat(awaitEvent(userId, EventEnvelope::hasSessionRevoked).getType()).isEqualTo("session.revoked");

        SetAccountStatusResponse unblocked = serviceStub(SERVICE_SECRET).setAccountStatus(block.toBuilder()
                .setStatus(AccountStatus.ACCOUNT_STATUS_ACTIVE).build());
        assertThat(unblocked.getPreviousStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_BLOCKED);
        login(username, PASSWORD);
    }

    @Test
    void adminsGrantAndRevokeModeratorOthersGet403() {
        String username = uniqueName("mod");
        String userId = register(username);
        String userToken = accessToken(username);
        String admin = adminToken();

        http().put().uri("/api/users/" + userId + "/roles/moderator").header("Authorization", "Bearer " + userToken)
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http().put().uri("/api/users/" + userId + "/roles/moderator").header("Authorization", "Bearer " + admin)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.roles").isEqualTo(List.of("user", "moderator"));
        assertThat(AuthServiceGrpc.newBlockingStub(grpcChannel())
                .validateToken(ValidateTokenRequest.newBuilder().setToken(userToken).build())
                .getPrincipal().getRolesList()).contains("moderator");
        http().put().uri("/api/users/" + userId + "/roles/admin").header("Authorization", "Bearer " + admin)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("role");
        http().delete().uri("/api/users/" + userId + "/roles/moderator").header("Authorization", "Bearer " + admin)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.roles").isEqualTo(List.of("user"));
        http().put().uri("/api/users/" + userId + "/status").header("Authorization", "Bearer " + userToken)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("status", "blocked"))
                .exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void getUsersAndProfilesNeverShowOthersTheEmail() {
        String username = uniqueName("profile");
        String userId = register(username);
        String other = uniqueName("viewer");
        register(other);
        String mine = accessToken(username);
        String theirs = accessToken(other);

        http().patch().uri("/api/users/me").header("Authorization", "Bearer " + mine)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "New Name", "avatarUrl", "https://img.example/a.png",
                        "about", "hi"))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.displayName").isEqualTo("New Name")
                .jsonPath("$.email").isEqualTo(username + "@example.org");
        http().patch().uri("/api/users/me").header("Authorization", "Bearer " + mine)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("avatarUrl", "javascript:alert(1)", "about", "x".repeat(501)))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors[?(@.field == 'avatarUrl')]").exists()
                .jsonPath("$.errors[?(@.field == 'about')]").exists();
        http().get().uri("/api/users/" + userId).header("Authorization", "Bearer " + theirs)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.displayName").isEqualTo("New Name")
                .jsonPath("$.avatarUrl").isEqualTo("https://img.example/a.png")
                .jsonPath("$.email").doesNotExist();
        http().get().uri("/api/users/no-such-user").header("Authorization", "Bearer " + theirs)
                .exchange()
                .expectStatus().isNotFound();
        http().get().uri("/api/users/" + userId).exchange().expectStatus().isUnauthorized();

        GetUsersResponse users = AuthServiceGrpc.newBlockingStub(grpcChannel()).getUsers(GetUsersRequest.newBuilder()
                .addUserIds(userId).addUserIds(userId).addUserIds("missing").build());
        assertThat(users.getUsersList()).singleElement()
                .satisfies(user -> assertThat(user.getDisplayName()).isEqualTo("New Name"));
        assertThat(users.getNotFoundUserIdsList()).containsExactly("missing");
    }

    @Test
    void searchesByPrefixWithCursorPagingAndLiteralRegexCharacters() {
        String prefix = "srch" + uniqueName("p").replace("-", "");
        for (int i = 0; i < 5; i++) {
            register(prefix + "-u" + i);
        }
        String token = accessToken(prefix + "-u0");

        Map<?, ?> first = search(token, prefix.toUpperCase(), null, 2);
        assertThat(names(first)).containsExactly(prefix + "-u0", prefix + "-u1");
        Map<?, ?> second = search(token, prefix, (String) first.get("nextCursor"), 2);
        assertThat(names(second)).containsExactly(prefix + "-u2", prefix + "-u3");
        Map<?, ?> last = search(token, prefix, (String) second.get("nextCursor"), 2);
        assertThat(names(last)).containsExactly(prefix + "-u4");
        assertThat(last.get("nextCursor")).isNull();
        assertThat(names(search(token, ".*", null, 10))).isEmpty();
        assertThat(names(search(token, "u0", null, 10))).isEmpty();

        http().get().uri("/api/users?query=" + prefix + "&limit=0").header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
        http().get().uri("/api/users?query=" + prefix + "&limit=51").header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus().isBadRequest();
        // A cursor the server did not issue, and operator syntax as the query, are refused or taken literally.
        for (String cursor : java.util.List.of("not-a-cursor", "%7B%22%24gt%22%3A%22%22%7D", "eyIkZ3QiOiIifQ")) {
            http().get().uri(java.net.URI.create("http://127.0.0.1:" + port + "/api/users?query=" + prefix + "&cursor=" + cursor))
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        }
        for (String query : java.util.List.of("%7B%22%24gt%22%3A%22%22%7D", "%24where", "%5E.%2B%24")) {
            http().get().uri(java.net.URI.create("http://127.0.0.1:" + port + "/api/users?query=" + query))
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.users.length()").isEqualTo(0);
        }
    }

    private Map<?, ?> search(String token, String query, String cursor, int limit) {
        return http().get()
                .uri(builder -> builder.path("/api/users").queryParam("query", query)
                        .queryParamIfPresent("cursor", java.util.Optional.ofNullable(cursor))
                        .queryParam("limit", limit).build())
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private static List<Object> names(Map<?, ?> page) {
        return ((List<?>) page.get("users")).stream().map(user -> (Object) ((Map<?, ?>) user).get("username")).toList();
    }
}
