package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Bad input on chat-service's REST API (docs/security.md): malformed and mistyped JSON, MongoDB operators where
 * values belong, path tricks in ids, bad cursors, Unicode edge cases, oversized bodies. Each is a 4xx problem (never
 * a 500, never someone else's data), and nothing changes.
 */
class BadInputIT extends ChatServiceITSupport {

    @Test
    void malformedJsonAndWrongTypesAre400ProblemsAndChangeNothing() {
        String owner = newUser();
        String roomId = createRoom(owner, "Typed", "public");
        String messageId = (String) sent(owner, roomId, "original").get("messageId");
        String messages = "/api/conversations/" + roomId + "/messages";

        List<String[]> bad = List.of(
                new String[] {"POST", "/api/rooms", "{\"name\":"},
                new String[] {"POST", "/api/rooms", "not json"},
                new String[] {"POST", "/api/rooms", "[]"},
                new String[] {"POST", "/api/rooms", ""},
                new String[] {"POST", "/api/rooms", "{\"name\":[\"a\"]}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"retentionDays\":\"ten\"}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"retentionDays\":1e400}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"visibility\":{}}"},
                new String[] {"PATCH", "/api/rooms/" + roomId, "{\"name\":"},
                new String[] {"PATCH", "/api/rooms/" + roomId, "{\"name\":{\"first\":\"x\"}}"},
                new String[] {"POST", messages, "{\"clientMsgId\":\"k1\",\"text\":"},
                new String[] {"POST", messages, "{\"clientMsgId\":[1],\"text\":\"x\"}"},
                new String[] {"POST", messages, "{\"clientMsgId\":\"k2\",\"text\":{\"a\":1}}"},
                new String[] {"POST", messages, "{\"clientMsgId\":\"k3\",\"text\":null}"},
                new String[] {"POST", messages, "\"just a string\""},
                new String[] {"PATCH", messages + "/" + messageId, "{\"text\":[\"x\"]}"},
                new String[] {"PATCH", messages + "/" + messageId, "{}"},
                new String[] {"POST", "/api/conversations/" + roomId + "/read", "{\"seq\":\"abc\"}"},
                new String[] {"POST", "/api/conversations/" + roomId + "/read", "{\"seq\":[1]}"},
                new String[] {"POST", "/api/conversations/" + roomId + "/read", "{\"seq\":-1}"},
                new String[] {"POST", "/api/rooms/" + roomId + "/members", "{\"userId\":{\"id\":\"x\"}}"},
                new String[] {"POST", "/api/rooms/" + roomId + "/members", "{\"userId\":\"x\",\"role\":\"owner\"}"});
        for (String[] request : bad) {
            expectProblem(raw(owner, request[0], request[1], request[2]), 400, String.join(" ", request));
        }

        assertUnchanged(owner, roomId, "Typed", 1, "original");
    }

    @Test
    void mongoOperatorsWhereValuesBelongAreRefusedOrTakenAsPlainText() {
        String owner = newUser();
        String stranger = newUser();
        String roomId = createRoom(owner, "Operators", "private");
        String messageId = (String) sent(owner, roomId, "original").get("messageId");
        String messages = "/api/conversations/" + roomId + "/messages";
        String gt = "{\"$gt\":\"\"}";

        // An operator object where a string or number belongs: a type error, 400, before any query is built.
        List<String[]> operators = List.of(
                new String[] {"POST", "/api/rooms", "{\"name\":" + gt + "}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"topic\":" + gt + "}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"visibility\":" + gt + "}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"moderationMode\":" + gt + "}"},
                new String[] {"POST", "/api/rooms", "{\"name\":\"n\",\"retentionDays\":" + gt + "}"},
                new String[] {"PATCH", "/api/rooms/" + roomId, "{\"name\":" + gt + "}"},
                new String[] {"PATCH", "/api/rooms/" + roomId, "{\"topic\":" + gt + "}"},
                new String[] {"POST", "/api/rooms/" + roomId + "/members", "{\"userId\":" + gt + "}"},
                new String[] {"POST", "/api/rooms/" + roomId + "/members",
                        "{\"userId\":\"" + stranger + "\",\"role\":" + gt + "}"},
                new String[] {"POST", messages, "{\"clientMsgId\":" + gt + ",\"text\":\"x\"}"},
                new String[] {"POST", messages, "{\"clientMsgId\":\"k1\",\"text\":" + gt + "}"},
                new String[] {"POST", messages, "{\"clientMsgId\":\"k2\",\"text\":\"x\",\"replyTo\":" + gt + "}"},
                new String[] {"PATCH", messages + "/" + messageId, "{\"text\":" + gt + "}"},
                new String[] {"POST", "/api/conversations/" + roomId + "/read", "{\"seq\":" + gt + "}"},
                new String[] {"POST", "/api/conversations/" + roomId + "/read", "{\"seq\":{\"$ne\":0}}"});
        for (String[] request : operators) {
            expectProblem(raw(owner, request[0], request[1], request[2]), 400, String.join(" ", request));
        }
        // Operators in ids, query parameters and as text are plain characters: ids refuse '$', the rest is literal.
        expectProblem(raw(owner, "GET", "/api/rooms/%24gt", null), 400, "$gt as an id");
        expectProblem(raw(owner, "GET", "/api/conversations/%7B%22%24gt%22%3A%22%22%7D/messages", null), 400,
                "an operator object as an id");
        expectProblem(raw(owner, "GET", messages + "?after=%7B%22%24gt%22%3A0%7D", null), 400, "operator as after");
        expectProblem(raw(owner, "POST", "/api/dm/%24ne", null), 400, "$ne as a user id");
        raw(owner, "GET", "/api/rooms/public?prefix=%7B%22%24gt%22%3A%22%22%7D", null).expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        raw(owner, "GET", "/api/rooms/public?prefix=.*", null).expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        // $-prefixed keys are unknown fields: ignored, never merged into the stored document.
        Map<?, ?> created = raw(owner, "POST", "/api/rooms", "{\"name\":\"Plain\",\"$set\":{\"createdBy\":\""
                + stranger + "\"},\"createdBy\":\"" + stranger + "\",\"_id\":\"chosen\",\"$where\":\"1\"}")
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(created.get("createdBy")).isEqualTo(owner);
        assertThat(created.get("id")).isNotEqualTo("chosen");
        Map<?, ?> dollarText = sent(owner, roomId, "{\"$gt\": \"\"} and $where: sleep(1000)");
        assertThat(dollarText.get("text")).isEqualTo("{\"$gt\": \"\"} and $where: sleep(1000)");

        raw(stranger, "GET", messages, null).expectStatus().isForbidden();
        assertUnchanged(owner, roomId, "Operators", 2, "original");
    }

    @Test
    void pathTricksInIdsNeverReachAnotherResource() {
        String owner = newUser();
        String roomId = createRoom(owner, "Paths", "public");
        sent(owner, roomId, "original");
        List<String> tricks = List.of(
                "/api/rooms/..%2F..%2Factuator%2Fenv",
                "/api/rooms/%2e%2e%2f%2e%2e%2factuator",
                "/api/rooms/" + roomId + "%2F..%2F..%2Factuator",
                "/api/rooms/%2e%2e",
                "/api/rooms/..;",
                "/api/rooms/" + roomId + "%00",
                "/api/rooms/" + "a".repeat(101),
                "/api/rooms/" + "a".repeat(5000),
                "/api/conversations/..%2F" + roomId + "/messages",
                "/api/conversations/" + roomId + "%2Fmessages%2Fx/messages",
                "/api/conversations/%2e%2e/messages",
                "/api/conversations/" + roomId + "/messages/..%2F..%2F",
                "/api/conversations/" + roomId + "/messages/" + "m".repeat(101),
                "/api/dm/..%2F" + owner);
        for (String path : tricks) {
            String method = path.startsWith("/api/dm") ? "POST" : path.matches(".*/messages/.+") ? "DELETE" : "GET";
            WebTestClient.ResponseSpec response = raw(owner, method, path, null);
            var result = response.expectBody(String.class).returnResult();
            int status = result.getStatus().value();
            assertThat(status).as(path).isIn(400, 404, 414);
            if (status == 414) {
                // The request line is longer than the HTTP server reads (4 KiB): refused before any routing, no body.
                assertThat(path).hasSizeGreaterThan(4096);
                continue;
            }
            assertThat(result.getResponseHeaders().getContentType()).as(path)
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(result.getResponseBody()).as(path).doesNotContain("original").doesNotContain("\"Paths\"");
        }
        // Plain ".." segments: the client or the server resolves them to another path of the API, which then
        // applies its own checks; nothing under /actuator answers through /api.
        raw(owner, "GET", "/api/rooms/../../actuator/env", null).expectStatus().value(status ->
                assertThat(status).isIn(400, 404));
        assertUnchanged(owner, roomId, "Paths", 1, "original");
    }

    @Test
    void invalidCursorsLimitsAndBoundsAre400NamingTheParameter() {
        String owner = newUser();
        String roomId = createRoom(owner, "Cursors", "public");
        sent(owner, roomId, "original");
        String messages = "/api/conversations/" + roomId + "/messages";
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("/api/conversations?cursor=not-a-cursor", "cursor");
        bad.put("/api/conversations?cursor=%7B%22%24gt%22%3A%22%22%7D", "cursor");
        bad.put("/api/conversations?cursor=" + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"$gt\":\"\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "cursor");
        bad.put("/api/conversations?cursor=" + "A".repeat(3000), "cursor");
        bad.put("/api/conversations?limit=0", "limit");
        bad.put("/api/conversations?limit=abc", "limit");
        bad.put("/api/conversations?limit=99999999999999", "limit");
        bad.put("/api/rooms/public?cursor=%E2%80%AE%00", "cursor");
        bad.put("/api/rooms/public?cursor=YWJj", "cursor");
        bad.put("/api/rooms/public?limit=-1", "limit");
        bad.put(messages + "?after=-1", "after");
        bad.put(messages + "?before=abc", "before");
        bad.put(messages + "?limit=201", "limit");
        bad.put(messages + "?after=1e3", "after");
        for (var request : bad.entrySet()) {
            expectProblem(raw(owner, "GET", request.getKey(), null), 400, request.getKey())
                    .jsonPath("$.errors[0].field").isEqualTo(request.getValue());
        }
    }

    @Test
    void unicodeEdgeCasesAreStoredVerbatimOrRefusedClearly() {
        String owner = newUser();
        String roomId = createRoom(owner, "Unicode", "public");
        List<String> verbatim = List.of(
                "\u202Egnp.exe\u202C right-to-left override",
                "\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627 mixed",
                "zero\u200Bwidth\u200C\u200D\u2060\uFEFF",
                "combining e\u0301\u0301\u0301\u0301",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family",
                "\uD83D\uDE00".repeat(2000));
        for (String text : verbatim) {
            Map<?, ?> message = sent(owner, roomId, text);
            assertThat(message.get("text")).as("stored and returned verbatim").isEqualTo(text);
        }
        // 4,000 emoji are 8,000 UTF-16 units: over the 4,000-character limit, refused whole (never cut in half).
        send(owner, roomId, "emoji-4000", "\uD83D\uDE00".repeat(4000)).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("text");
        // A lone surrogate is not text: it cannot be stored or sent as UTF-8 without changing it.
        for (String lone : List.of("\\uD800", "a\\uDC00b", "\\uD83D")) {
            expectProblem(raw(owner, "POST", "/api/conversations/" + roomId + "/messages",
                    "{\"clientMsgId\":\"lone-" + lone.hashCode() + "\",\"text\":\"" + lone + "\"}"), 400, lone)
                    .jsonPath("$.errors[0].field").isEqualTo("text");
        }
        expectProblem(raw(owner, "POST", "/api/rooms", "{\"name\":\"\\uDFFF room\"}"), 400, "lone surrogate name")
                .jsonPath("$.errors[0].field").isEqualTo("name");
        expectProblem(raw(owner, "PATCH", "/api/rooms/" + roomId, "{\"topic\":\"\\uD83D\"}"), 400,
                "lone surrogate topic").jsonPath("$.errors[0].field").isEqualTo("topic");
        Map<?, ?> history = history(owner, roomId, "?limit=200");
        assertThat(seqs(history)).hasSize(verbatim.size());
    }

    @Test
    void aBodyOverTheServiceLimitIsRefusedWithA4xxProblemAndStoresNothing() {
        String owner = newUser();
        String roomId = createRoom(owner, "Huge", "public");
        String huge = "{\"clientMsgId\":\"huge\",\"text\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        var result = raw(owner, "POST", "/api/conversations/" + roomId + "/messages", huge)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult();
        assertThat(result.getStatus().value()).isIn(400, 413);
        String deep = "{\"name\":\"n\",\"topic\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        expectProblem(raw(owner, "POST", "/api/rooms", deep), 400, "deeply nested JSON");
        assertThat(seqs(history(owner, roomId, ""))).isEmpty();
    }

    private WebTestClient.ResponseSpec raw(String user, String method, String path, String body) {
        var request = as(user).method(HttpMethod.valueOf(method))
                .uri(URI.create("http://127.0.0.1:" + port + path));
        if (body == null) {
            return request.exchange();
        }
        return request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static WebTestClient.BodyContentSpec expectProblem(WebTestClient.ResponseSpec response, int status,
                                                               String what) {
        return response.expectStatus().value(actual -> assertThat(actual).as(what).isEqualTo(status))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.detail").isNotEmpty();
    }

    /** The room still has its name, its log holds exactly {@code entries} entries and the first has its text. */
    private void assertUnchanged(String owner, String roomId, String name, int entries, String firstText) {
        as(owner).get().uri("/api/rooms/{id}", roomId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo(name).jsonPath("$.topic").isEqualTo("");
        Map<?, ?> history = history(owner, roomId, "");
        assertThat(seqs(history)).hasSize(entries);
        assertThat(((Map<?, ?>) ((List<?>) history.get("messages")).get(0)).get("text")).isEqualTo(firstText);
        assertThat(((Map<?, ?>) ((List<?>) history.get("messages")).get(0)).get("editedAt")).isNull();
    }
}
