package io.chatplatform.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

class ProblemExceptionHandlerTest {

    private WebTestClient client;

    @BeforeEach
    void bind() {
        client = WebTestClient.bindToController(new RoomsController())
                .controllerAdvice(new ProblemExceptionHandler())
                .build();
    }

    @Test
    void validationErrorNamesEachBadField() {
        client.post()
                .uri("/rooms")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", " ", "topic", "x".repeat(50)))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.instance").isEqualTo("/rooms")
                .jsonPath("$.errors.length()").isEqualTo(2)
                .jsonPath("$.errors[?(@.field == 'name')].message").isEqualTo("must not be blank")
                .jsonPath("$.errors[?(@.field == 'topic')].message").isEqualTo("size must be between 0 and 20")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).doesNotContain("xxxx"));
    }

    @Test
    void unreadableJsonNamesTheField() {
        client.post()
                .uri("/rooms")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"general\",\"maxMembers\":\"lots\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("maxMembers");
    }

    @Test
    void typeMismatchNamesTheParameter() {
        client.get()
                .uri("/rooms/not-a-number")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("id");
    }

    @Test
    void missingParameterNamesTheParameter() {
        client.get()
                .uri("/rooms")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("limit")
                .jsonPath("$.errors[0].message").isEqualTo("is required");
    }

    @Test
    void apiExceptionIsRenderedAsBuilt() {
        client.get()
                .uri("/rooms/7")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://chat.example/problems/room-archived")
                .jsonPath("$.title").isEqualTo("Room archived")
                .jsonPath("$.detail").isEqualTo("Room 7 is archived and read-only.")
                .jsonPath("$.roomId").isEqualTo("7")
                .jsonPath("$.status").isEqualTo(409);
    }

    @Test
    void unexpectedErrorIs500WithoutInternals() {
        client.get()
                .uri("/rooms/13")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class)
                .value(body -> assertThat(body)
                        .contains("\"status\":500")
                        .contains("An unexpected error occurred")
                        .doesNotContain("mongodb://")
                        .doesNotContain("IllegalStateException")
                        .doesNotContain("at io.chatplatform"));
    }

    @Test
    void unknownRouteIs404ProblemJson() {
        client.get()
                .uri("/no/such/route")
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404);
    }

    @Test
    void wrongMethodIs405ProblemJson() {
        client.delete()
                .uri("/rooms/7")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    record CreateRoom(@NotBlank String name, @Size(max = 20) String topic, Integer maxMembers) {
    }

    @RestController
    static class RoomsController {

        @PostMapping("/rooms")
        Mono<CreateRoom> create(@Valid @RequestBody CreateRoom room) {
            return Mono.just(room);
        }

        @GetMapping("/rooms")
        Mono<List<String>> list(@RequestParam int limit) {
            return Mono.just(List.of());
        }

        @GetMapping("/rooms/{id}")
        Mono<String> get(@PathVariable long id) {
            if (id == 13) {
                return Mono.error(new IllegalStateException("connection to mongodb://admin:secret@db failed"));
            }
            return Mono.error(new ApiException(HttpStatus.CONFLICT,
                    URI.create("https://chat.example/problems/room-archived"), "Room archived",
                    "Room " + id + " is archived and read-only.", Map.of("roomId", String.valueOf(id))));
        }
    }
}
