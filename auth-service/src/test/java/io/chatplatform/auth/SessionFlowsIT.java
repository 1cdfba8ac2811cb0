package io.chatplatform.auth;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Login, refresh rotation, reuse detection, logout and the session list, plus login rate limits. */
class SessionFlowsIT extends AuthServiceITSupport {

    @Test
    void logsInByUsernameOrEmailWithAnEs256AccessTokenAndOpaqueRefreshToken() {
        String username = uniqueName("Login");
        String userId = register(username);

        Map<?, ?> byName = login(username.toLowerCase(), PASSWORD);
        Map<?, ?> byEmail = login(username.toUpperCase() + "@example.org", PASSWORD);

        assertThat(byName.get("userId")).isEqualTo(userId);
        assertThat(byName.get("tokenType")).isEqualTo("Bearer");
        assertThat(((Number) byName.get("expiresIn")).longValue()).isBetween(890L, 900L);
        assertThat((String) byName.get("refreshToken")).matches("[A-Za-z0-9_-]{43}");
        assertThat(byName.get("sessionId")).isNotEqualTo(byEmail.get("sessionId"));
        String header = new String(java.util.Base64.getUrlDecoder()
                .decode(((String) byName.get("accessToken")).split("\\.")[0]));
        assertThat(header).contains("\"alg\":\"ES256\"", "\"typ\":\"at+jwt\"", "\"kid\":");
        getMe((String) byName.get("accessToken")).expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(userId);
    }

    @Test
    void unknownUserAndWrongPasswordGetTheSameProblem() {
        String username = uniqueName("enum");
        register(username);

        String unknown = failedLogin("nobody-" + username, PASSWORD);
        String wrong = failedLogin(username, "wrong password here");

        assertThat(unknown).isEqualTo(wrong).contains("invalid-credentials");
    }

    private String failedLogin(String login, String password) {
        return http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", login, "password", password))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void refreshRotatesAndReusingARotatedTokenRevokesTheSession() {
        String username = uniqueName("rotate");
        register(username);
        Map<?, ?> first = login(username, PASSWORD);

        Map<?, ?> second = refresh((String) first.get("refreshToken"));
        assertThat(second.get("refreshToken")).isNotEqualTo(first.get("refreshToken"));
        assertThat(second.get("sessionId")).isEqualTo(first.get("sessionId"));
        Map<?, ?> third = refresh((String) second.get("refreshToken"));
        getMe((String) third.get("accessToken")).expectStatus().isOk();

        // Replaying the first token: theft suspected, the whole session ends.
        refreshRefused((String) first.get("refreshToken"));
        refreshRefused((String) third.get("refreshToken"));
        getMe((String) third.get("accessToken")).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.reason").isEqualTo("session_revoked");
    }

    @Test
    void ofTwoConcurrentRefreshesWithOneTokenAtMostOneSucceeds() throws Exception {
        String username = uniqueName("twice");
        register(username);
        String refreshToken = (String) login(username, PASSWORD).get("refreshToken");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                attempts.add(() -> http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("refreshToken", refreshToken))
                        .exchange()
                        .returnResult(String.class)
                        .getStatus()
                        .value());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(attempts)) {
                statuses.add(status.get());
            }
            assertThat(Collections.frequency(statuses, 200)).isEqualTo(1);
            assertThat(Collections.frequency(statuses, 401)).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void logoutRevokesTheSessionAndItsTokens() {
        String username = uniqueName("logout");
        register(username);
        Map<?, ?> tokens = login(username, PASSWORD);
        String access = (String) tokens.get("accessToken");

        http().post().uri("/api/auth/logout").header("Authorization", "Bearer " + access)
                .exchange()
                .expectStatus().isNoContent();

        getMe(access).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        refreshRefused((String) tokens.get("refreshToken"));
        http().post().uri("/api/auth/logout").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void listsSessionsMarksTheCurrentOneAndRevokesOneOrAllOthers() {
        String username = uniqueName("sessions");
        register(username);
        String a = accessToken(username);
        Map<?, ?> b = login(username, PASSWORD);
        String c = accessToken(username);

        http().get().uri("/api/auth/sessions").header("Authorization", "Bearer " + a)
                .header("User-Agent", "it-browser")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.sessions.length()").isEqualTo(3)
                .jsonPath("$.sessions[?(@.current == true)].id").isEqualTo(List.of(currentSessionId(a)))
                .jsonPath("$.sessions[0].ip").exists()
                .jsonPath("$.sessions[0].createdAt").exists()
                .jsonPath("$.sessions[0].lastUsedAt").exists();

        http().delete().uri("/api/auth/sessions/" + b.get("sessionId")).header("Authorization", "Bearer " + a)
                .exchange()
                .expectStatus().isNoContent();
        getMe((String) b.get("accessToken")).expectStatus().isUnauthorized();
        http().delete().uri("/api/auth/sessions/" + b.get("sessionId")).header("Authorization", "Bearer " + a)
                .exchange()
                .expectStatus().isNotFound();

        http().delete().uri("/api/auth/sessions").header("Authorization", "Bearer " + a)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.revoked").isEqualTo(1);
        getMe(c).expectStatus().isUnauthorized();
        getMe(a).expectStatus().isOk();
    }

    @Test
    void loginIsRateLimitedPerAccountAndRegistrationPerIp() {
        String username = uniqueName("limited");
        register(username);
        for (int i = 0; i < 10; i++) {
            failedLogin(username, "wrong password " + i);
        }
        http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", PASSWORD))
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        String ip = randomIp();
        for (int i = 0; i < 10; i++) {
            http(ip).post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("username", "x", "email", "x", "password", "x"))
                    .exchange()
                    .expectStatus().isBadRequest();
        }
        // Invalid bodies are refused before counting; valid ones count.
        String name = uniqueName("ipcap");
        for (int i = 0; i < 10; i++) {
            http(ip).post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("username", name + i, "email", name + i + "@example.org", "password", PASSWORD))
                    .exchange()
                    .expectStatus().isCreated();
        }
        http(ip).post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", name + "x", "email", name + "x@example.org", "password", PASSWORD))
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().valueMatches("Retry-After", "[1-9][0-9]*");
    }

    private static String currentSessionId(String accessToken) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
        return payload.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    private Map<?, ?> refresh(String refreshToken) {
        return http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", refreshToken))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    private void refreshRefused(String refreshToken) {
        http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", refreshToken))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://chat.example/problems/invalid-refresh-token");
    }
}
