package io.chatplatform.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** New users for whole-platform tests, registered and logged in over REST through the gateway as a browser would. */
final class Accounts {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A logged-in user. */
    record Account(String id, String token) {
    }

    private Accounts() {
    }

    /** Registers a user named {@code name} plus a random suffix and logs in. */
    static Account register(String gatewayUrl, String name) {
        String username = name + "_" + UUID.randomUUID().toString().substring(0, 8);
        String password = "a long enough password " + UUID.randomUUID();
        WebTestClient gateway = WebTestClient.bindToServer().baseUrl(gatewayUrl).responseTimeout(TIMEOUT).build();
        gateway.post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "email", username + "@example.org", "password", password))
                .exchange().expectStatus().isCreated();
        Map<?, ?> login = gateway.post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", username, "password", password))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return new Account((String) login.get("userId"), (String) login.get("accessToken"));
    }
}
