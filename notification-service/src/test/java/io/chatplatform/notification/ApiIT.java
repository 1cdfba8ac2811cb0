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
