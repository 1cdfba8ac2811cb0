package io.chatplatform.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.push.PushEndpoint;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** The REST contract: VAPID key, subscriptions and preferences, with their errors. */
class ApiIT extends NotificationITSupport {

    @Test
    void theVapidPublicKeyNeedsNoSignInAndIsAnUncompressedP256Point() {
        Map<?, ?> body = http().get()
                .uri("/api/notifications/vapid-public-key")
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();

        byte[] key = Base64.getUrlDecoder().decode((String) body.get("publicKey"));
        assertThat(key).hasSize(65);
        assertThat(key[0]).isEqualTo((byte) 4);
    }

    @Test
    void everythingElseNeedsABearerToken() {
        http().get().uri("/api/notifications/subscriptions").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http().get().uri("/api/notifications/preferences").exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void subscribingTheSameEndpointAgainReturnsTheSameSubscription() {
        String user = newId("u");
        PushEndpoint.Device device = PUSH_SERVICE.newDevice();
        Map<String, Object> request = Map.of("endpoint", device.endpoint(),
                "keys", Map.of("p256dh", device.p256dh(), "auth", device.auth()), "device", "Laptop");

        Map<?, ?> first = as(user).post().uri("/api/notifications/subscriptions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(request)
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> again = as(user).post().uri("/api/notifications/subscriptions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(request)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        assertThat(again.get("id")).isEqualTo(first.get("id"));
        assertThat(first.get("endpoint")).isEqualTo(device.endpoint());
        assertThat(first.get("device")).isEqualTo("Laptop");
        assertThat(first.get("createdAt")).isNotNull();
        assertThat(items(user, "/api/notifications/subscriptions")).hasSize(1);
    }

    @Test
    void subscriptionsAreListedAndRemovedByIdOrEndpointOnlyByTheirOwner() {
        String user = newId("u");
        String stranger = newId("u");
        PushEndpoint.Device phone = subscribe(user);
        PushEndpoint.Device laptop = subscribe(user);
        List<Map<?, ?>> listed = items(user, "/api/notifications/subscriptions");
        assertThat(listed).extracting(item -> (Object) item.get("endpoint"))
                .containsExactlyInAnyOrder(phone.endpoint(), laptop.endpoint());
        String phoneId = (String) listed.stream().filter(item -> item.get("endpoint").equals(phone.endpoint()))
                .findFirst().orElseThrow().get("id");

        as(stranger).delete().uri("/api/notifications/subscriptions/{id}", phoneId).exchange()
                .expectStatus().isNoContent();
        assertThat(items(user, "/api/notifications/subscriptions")).hasSize(2);

        as(user).delete().uri("/api/notifications/subscriptions/{id}", phoneId).exchange()
                .expectStatus().isNoContent();
        as(user).delete()
                .uri(uri -> uri.path("/api/notifications/subscriptions")
                        .queryParam("endpoint", "{endpoint}")
                        .build(laptop.endpoint()))
                .exchange()
                .expectStatus().isNoContent();
        assertThat(items(user, "/api/notifications/subscriptions")).isEmpty();
    }

    @Test
    void aSubscriptionWithBadKeysOrEndpointIsRefusedAndNothingIsStored() {
        String user = newId("u");
        PushEndpoint.Device device = PUSH_SERVICE.newDevice();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("endpoint", device.endpoint(), "keys", Map.of("p256dh", "short", "auth", device.auth())),
                Map.of("endpoint", device.endpoint(), "keys", Map.of("p256dh", device.p256dh(), "auth", "x")),
                Map.of("endpoint", "ftp://push.example/1",
                        "keys", Map.of("p256dh", device.p256dh(), "auth", device.auth())),
                Map.of("keys", Map.of("p256dh", device.p256dh(), "auth", device.auth())))) {
            as(user).post().uri("/api/notifications/subscriptions")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(bad)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.errors[0].field").exists();
        }
        assertThat(items(user, "/api/notifications/subscriptions")).isEmpty();
    }

    @Test
    void preferencesStartAtTheDefaultsAndKeepWhatWasSaved() {
        String user = newId("u");
        as(user).get().uri("/api/notifications/preferences").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.push").isEqualTo(true)
                .jsonPath("$.email").isEqualTo(true)
                .jsonPath("$.emailDelayMinutes").isEqualTo(10)
                .jsonPath("$.timeZone").isEqualTo("UTC")
                .jsonPath("$.quietHours").isEmpty()
                .jsonPath("$.roomMessages").isEqualTo(false);

        Map<String, Object> saved = preferences(false, true, true, Map.of("start", "22:00", "end", "07:00"));
        saved.put("timeZone", "Europe/Berlin");
        saved.put("emailDelayMinutes", 30);
        putPreferences(user, saved);

        as(user).get().uri("/api/notifications/preferences").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.push").isEqualTo(false)
                .jsonPath("$.emailDelayMinutes").isEqualTo(30)
                .jsonPath("$.timeZone").isEqualTo("Europe/Berlin")
                .jsonPath("$.quietHours.start").isEqualTo("22:00")
                .jsonPath("$.quietHours.end").isEqualTo("07:00")
                .jsonPath("$.roomMessages").isEqualTo(true);
    }

    @Test
    void badPreferencesAreRefusedWithTheFieldsAndChangeNothing() {
        String user = newId("u");
        Map<String, Object> badZone = preferences(false, false, false, null);
        badZone.put("timeZone", "Mars/Olympus");
        Map<String, Object> badHours = preferences(false, false, false, Map.of("start", "25:00", "end", "07:00"));
        Map<String, Object> badDelay = preferences(false, false, false, null);
        badDelay.put("emailDelayMinutes", 0);

        as(user).put().uri("/api/notifications/preferences").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(badZone).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("timeZone");
        as(user).put().uri("/api/notifications/preferences").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(badHours).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("quietHours.start");
        as(user).put().uri("/api/notifications/preferences").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(badDelay).exchange()
                .expectStatus().isEqualTo(HttpStatus.BAD_REQUEST);

        as(user).get().uri("/api/notifications/preferences").exchange()
                .expectBody().jsonPath("$.push").isEqualTo(true);
    }

    @Test
    void operatorsMalformedJsonAndPathTricksAreRefusedAndChangeNothing() {
        String user = newId("u");
        PushEndpoint.Device phone = subscribe(user);
        PushEndpoint.Device device = PUSH_SERVICE.newDevice();
        String gt = "{\"$gt\":\"\"}";
        String keys = "{\"p256dh\":\"" + device.p256dh() + "\",\"auth\":\"" + device.auth() + "\"}";
        List<String[]> bad = List.of(
                new String[] {"POST", "/api/notifications/subscriptions", "{\"endpoint\":" + gt + ",\"keys\":" + keys + "}"},
                new String[] {"POST", "/api/notifications/subscriptions",
                        "{\"endpoint\":\"" + device.endpoint() + "\",\"keys\":{\"p256dh\":" + gt + ",\"auth\":\"x\"}}"},
                new String[] {"POST", "/api/notifications/subscriptions",
                        "{\"endpoint\":\"" + device.endpoint() + "\",\"keys\":" + keys + ",\"device\":" + gt + "}"},
                new String[] {"POST", "/api/notifications/subscriptions", "{\"endpoint\":"},
                new String[] {"PUT", "/api/notifications/preferences", "{\"push\":" + gt + ",\"email\":true,"
                        + "\"emailDelayMinutes\":10,\"timeZone\":\"UTC\",\"quietHours\":null,\"roomMessages\":false}"},
                new String[] {"PUT", "/api/notifications/preferences", "{\"push\":true,\"email\":true,"
                        + "\"emailDelayMinutes\":10,\"timeZone\":" + gt + ",\"quietHours\":null,\"roomMessages\":false}"},
                new String[] {"PUT", "/api/notifications/preferences", "{\"push\":true,\"email\":true,"
                        + "\"emailDelayMinutes\":10,\"timeZone\":\"UTC\",\"quietHours\":{\"start\":" + gt
                        + ",\"end\":\"07:00\"},\"roomMessages\":false}"},
                new String[] {"PUT", "/api/notifications/preferences", "[]"},
                new String[] {"PUT", "/api/notifications/preferences/conversations/c-1",
                        "{\"mutedUntil\":" + gt + ",\"mentionsOnly\":false}"},
                new String[] {"PUT", "/api/notifications/preferences/conversations/c-1",
                        "{\"mutedUntil\":null,\"mentionsOnly\":" + gt + "}"},
                new String[] {"GET", "/api/notifications/unsubscribe?token=%7B%22%24gt%22%3A%22%22%7D", null});
        for (String[] request : bad) {
            var spec = as(user).method(org.springframework.http.HttpMethod.valueOf(request[0]))
                    .uri(java.net.URI.create("http://127.0.0.1:" + port + request[1]));
            (request[2] == null ? spec.exchange()
                    : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(request[2]).exchange())
                    .expectStatus().value(status -> assertThat(status).as(String.join(" ", request[0], request[1],
                            String.valueOf(request[2]))).isEqualTo(400))
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        // An operator as the endpoint to remove matches no endpoint literally: nothing is removed.
        as(user).delete().uri(java.net.URI.create("http://127.0.0.1:" + port
                        + "/api/notifications/subscriptions?endpoint=%7B%22%24gt%22%3A%22%22%7D"))
                .exchange().expectStatus().isNoContent();
        // Ids with path tricks never reach another user's settings or another resource.
        for (String path : List.of("..%2F..%2Fsubscriptions", "a%2Fb", "%24gt", "u%3Ac", "%7B%7D", "x".repeat(101))) {
            as(user).put().uri(java.net.URI.create("http://127.0.0.1:" + port
                            + "/api/notifications/preferences/conversations/" + path))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"mutedUntil\":null,\"mentionsOnly\":true}")
                    .exchange()
                    .expectStatus().value(status -> assertThat(status).as(path).isIn(400, 404));
            as(user).delete().uri(java.net.URI.create("http://127.0.0.1:" + port
                            + "/api/notifications/preferences/conversations/" + path))
                    .exchange()
                    .expectStatus().value(status -> assertThat(status).as("DELETE " + path).isIn(400, 404));
        }

        assertThat(items(user, "/api/notifications/subscriptions")).extracting(item -> (Object) item.get("endpoint"))
                .containsExactly(phone.endpoint());
        assertThat(items(user, "/api/notifications/preferences/conversations")).isEmpty();
        as(user).get().uri("/api/notifications/preferences").exchange()
                .expectBody().jsonPath("$.push").isEqualTo(true).jsonPath("$.timeZone").isEqualTo("UTC");
    }

    @Test
    void conversationSettingsArePutListedAndDeleted() {
        String user = newId("u");
        as(user).put().uri("/api/notifications/preferences/conversations/{id}", "c-1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mutedUntil", "2099-01-01T00:00:00Z", "mentionsOnly", false))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.conversationId").isEqualTo("c-1")
                .jsonPath("$.mutedUntil").isEqualTo("2099-01-01T00:00:00Z")
                .jsonPath("$.mentionsOnly").isEqualTo(false);
        as(user).put().uri("/api/notifications/preferences/conversations/{id}", "c-2")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mentionsOnly", true))
                .exchange()
                .expectStatus().isOk();

        assertThat(items(user, "/api/notifications/preferences/conversations"))
                .extracting(item -> (Object) item.get("conversationId"))
                .containsExactly("c-1", "c-2");

        as(user).delete().uri("/api/notifications/preferences/conversations/{id}", "c-1").exchange()
                .expectStatus().isNoContent();
        assertThat(items(user, "/api/notifications/preferences/conversations"))
                .extracting(item -> (Object) item.get("conversationId"))
                .containsExactly("c-2");
    }

    @SuppressWarnings("unchecked")
    private List<Map<?, ?>> items(String user, String path) {
        Map<?, ?> body = as(user).get().uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (List<Map<?, ?>>) body.get("items");
    }
}
