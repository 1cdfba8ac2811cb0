package io.chatplatform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Bad input on auth-service's REST API (docs/security.md): MongoDB operators where strings belong (the classic
 * {@code {"login": {"$gt": ""}}} login bypass) and malformed JSON, on every endpoint that takes a body. Each is a 400
 * problem, signs nobody in and changes nothing.
 */
class BadInputIT extends AuthServiceITSupport {

    private static final String GT = "{\"$gt\":\"\"}";

    @Test
    void mongoOperatorsInAnyFieldAreRefusedAndSignNobodyIn() {
        String username = uniqueName("target");
        register(username);
        String access = accessToken(username);
        String fresh = uniqueName("fresh");
        String password = "\"" + PASSWORD + "\"";
        List<String[]> requests = List.of(
                new String[] {"/api/auth/login", "{\"login\":" + GT + ",\"password\":" + GT + "}"},
                new String[] {"/api/auth/login", "{\"login\":\"" + username + "\",\"password\":" + GT + "}"},
                new String[] {"/api/auth/login", "{\"login\":" + GT + ",\"password\":" + password + "}"},
                new String[] {"/api/auth/login", "{\"login\":{\"$regex\":\".*\"},\"password\":" + password + "}"},
                new String[] {"/api/auth/login", "{\"login\":{\"$ne\":null},\"password\":{\"$ne\":null}}"},
                new String[] {"/api/auth/refresh", "{\"refreshToken\":" + GT + "}"},
                new String[] {"/api/auth/refresh", "{\"refreshToken\":{\"$ne\":\"x\"}}"},
                new String[] {"/api/auth/register", "{\"username\":" + GT + ",\"email\":\"" + fresh
                        + "@example.org\",\"password\":" + password + "}"},
                new String[] {"/api/auth/register", "{\"username\":\"" + fresh + "\",\"email\":" + GT
                        + ",\"password\":" + password + "}"},
                new String[] {"/api/auth/register", "{\"username\":\"" + fresh + "\",\"email\":\"" + fresh
                        + "@example.org\",\"password\":" + GT + "}"},
                new String[] {"/api/auth/register", "{\"username\":\"" + fresh + "\",\"email\":\"" + fresh
                        + "@example.org\",\"password\":" + password + ",\"displayName\":" + GT + "}"},
                new String[] {"/api/auth/verify-email", "{\"token\":" + GT + "}"},
                new String[] {"/api/auth/password-reset/request", "{\"email\":" + GT + "}"},
                new String[] {"/api/auth/password-reset/confirm", "{\"token\":" + GT
                        + ",\"newPassword\":\"a much newer passphrase\"}"},
                new String[] {"/api/auth/login", "{\"login\":"},
                new String[] {"/api/auth/register", "[]"},
                new String[] {"/api/auth/refresh", "not json"});
        for (String[] request : requests) {
            http(randomIp()).post().uri(request[0])
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(request[1])
                    .exchange()
                    .expectStatus().value(status -> assertThat(status).as(String.join(" ", request)).isEqualTo(400))
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.accessToken").doesNotExist()
                    .jsonPath("$.errors").isArray();
        }
        for (String patch : List.of("{\"displayName\":" + GT + "}", "{\"about\":{\"$set\":{\"roles\":[\"admin\"]}}}",
                "{\"avatarUrl\":[\"https://img.example/a.png\"]}")) {
            http().patch().uri("/api/users/me").header("Authorization", "Bearer " + access)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(patch)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        // $-prefixed and unknown keys are ignored: they cannot set roles or status.
        http().patch().uri("/api/users/me").header("Authorization", "Bearer " + access)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"about\":\"hi\",\"roles\":[\"admin\"],\"$set\":{\"roles\":[\"admin\"]},\"status\":\"x\"}")
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.roles.length()").isEqualTo(1).jsonPath("$.roles[0]").isEqualTo("user");

        getMe(access).expectStatus().isOk().expectBody()
                .jsonPath("$.username").isEqualTo(username)
                .jsonPath("$.displayName").isEqualTo("Display " + username)
                .jsonPath("$.status").isEqualTo("active");
        assertThat(login(username, PASSWORD).get("accessToken")).as("the password still works").isNotNull();
        http(randomIp()).post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"login\":\"" + fresh + "\",\"password\":" + password + "}")
                .exchange()
                .expectStatus().isUnauthorized();
    }
}
