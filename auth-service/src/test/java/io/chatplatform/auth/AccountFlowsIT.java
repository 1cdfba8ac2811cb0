package io.chatplatform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.EventEnvelope.PayloadCase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Registration, validation, uniqueness, email verification and password reset, with their Kafka events. */
class AccountFlowsIT extends AuthServiceITSupport {

    @Test
    void registersAndPublishesUserRegisteredAndVerificationRequested() {
        String username = uniqueName("Alice");

        Map<?, ?> body = http().post()
                .uri("/api/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "email", username + "@Example.org", "password", PASSWORD,
                        "displayName", "Alice A."))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().valueMatches("Location", "/api/users/.+")
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        String userId = (String) body.get("id");
        assertThat(body.get("username")).isEqualTo(username);
        assertThat(body.get("email")).isEqualTo(username + "@Example.org");
        assertThat(body.get("emailVerified")).isEqualTo(false);
        assertThat(body.get("roles")).isEqualTo(List.of("user"));
        assertThat(body.containsKey("passwordHash")).isFalse();

        EventEnvelope registered = awaitEvent(userId, event -> event.hasUserRegistered());
        assertThat(registered.getType()).isEqualTo("user.registered");
        assertThat(registered.getPartitionKey()).isEqualTo(userId);
        assertThat(registered.getUserRegistered().getUsername()).isEqualTo(username);
    }

    @Test
    void verifiesEmailWithTheTokenFromTheEventOnce() {
        String username = uniqueName("verify");
        String userId = register(username);
        EventEnvelope event = awaitEvent(userId, envelope -> envelope.hasEmailVerificationRequested());
        assertThat(event.getType()).isEqualTo("user.email-verification-requested");
        String token = event.getEmailVerificationRequested().getToken();
        assertThat(token).hasSize(43);

        http().post().uri("/api/auth/verify-email").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.emailVerified").isEqualTo(true);
        getMe(accessToken(username)).expectStatus().isOk()
                .expectBody().jsonPath("$.emailVerified").isEqualTo(true);

        http().post().uri("/api/auth/verify-email").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("token");
    }

    @Test
    void refusesTakenUsernameAndEmailCaseInsensitively() {
        String username = uniqueName("bob");
        register(username);

        http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username.toUpperCase(), "email", "other-" + username + "@example.org",
                        "password", PASSWORD))
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("username");
        http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "x" + username, "email", username.toUpperCase() + "@EXAMPLE.org",
                        "password", PASSWORD))
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("email");
    }

    @Test
    void exactlyOneOfTenConcurrentRegistrationsOfOneUsernameSucceeds() throws Exception {
        String username = uniqueName("race");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                attempts.add(() -> http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("username", username, "email", "race" + n + "-" + username + "@example.org",
                                "password", PASSWORD))
                        .exchange()
                        .returnResult(String.class)
                        .getStatus()
                        .value());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(attempts)) {
                statuses.add(status.get());
            }
            assertThat(Collections.frequency(statuses, 201)).isEqualTo(1);
            assertThat(Collections.frequency(statuses, 409)).isEqualTo(9);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidRegistrationNamesEveryBadFieldAndStoresNothing() {
        String username = uniqueName("bad");
        http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "a b", "email", "not-an-email", "password", "short"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[?(@.field == 'username')]").exists()
                .jsonPath("$.errors[?(@.field == 'email')]").exists()
                .jsonPath("$.errors[?(@.field == 'password')].message").isEqualTo("must be at least 10 characters long");

        expectPasswordRefused(username, "password1234", "is too common");
        expectPasswordRefused(username, "é".repeat(40), "must be at most 72 bytes");
        // Nothing was stored: the username is still free.
        register(username);
    }

    private void expectPasswordRefused(String username, String password, String messageStart) {
        Map<?, ?> problem = http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "email", username + "@example.org", "password", password))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        List<?> errors = (List<?>) problem.get("errors");
        assertThat(errors).hasSize(1);
        assertThat(((Map<?, ?>) errors.get(0)).get("field")).isEqualTo("password");
        assertThat((String) ((Map<?, ?>) errors.get(0)).get("message")).startsWith(messageStart);
    }

    @Test
    void passwordResetAnswersTheSameForUnknownEmailsAndResetsOnce() {
        String username = uniqueName("reset");
        String userId = register(username);
        String oldAccess = accessToken(username);

        http().post().uri("/api/auth/password-reset/request").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "nobody-" + username + "@example.org"))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody().isEmpty();
        http().post().uri("/api/auth/password-reset/request").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", username.toUpperCase() + "@example.org"))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody().isEmpty();

        EventEnvelope event = awaitEvent(userId, envelope -> envelope.getPayloadCase()
                == PayloadCase.PASSWORD_RESET_REQUESTED);
        assertThat(event.getType()).isEqualTo("user.password-reset-requested");
        String token = event.getPasswordResetRequested().getToken();
        // The token is stored a few milliseconds before the event is built, so whole seconds may differ by one.
        assertThat(event.getPasswordResetRequested().getExpiresAt().getSeconds() - event.getOccurredAt().getSeconds())
                .isBetween(30 * 60 - 1L, 30 * 60L);

        http().post().uri("/api/auth/password-reset/confirm").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token, "newPassword", "password1234"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("newPassword");
        String newPassword = "a much newer passphrase";
        http().post().uri("/api/auth/password-reset/confirm").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token, "newPassword", newPassword))
                .exchange()
                .expectStatus().isNoContent();

        getMe(oldAccess).expectStatus().isUnauthorized();
        login(username, newPassword);
        http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", PASSWORD))
                .exchange()
                .expectStatus().isUnauthorized();
        http().post().uri("/api/auth/password-reset/confirm").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", token, "newPassword", "yet another passphrase"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("token");
        assertThat(awaitEvent(userId, envelope -> envelope.hasSessionRevoked()).getSessionRevoked().getAllSessions())
                .isTrue();
    }
}
