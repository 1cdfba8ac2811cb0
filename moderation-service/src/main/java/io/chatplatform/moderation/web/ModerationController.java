package io.chatplatform.moderation.web;

import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.moderation.admin.ModeratorActions;
import io.chatplatform.moderation.flag.Reports;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * REST for the web client: any member reports a message ({@code POST /api/reports}); moderators and admins hide
 * messages and block or unblock users under {@code /api/moderation} (403 for everybody else).
 */
@RestController
class ModerationController {

    private final Reports reports;
    private final ModeratorActions actions;

    ModerationController(Reports reports, ModeratorActions actions) {
        this.reports = reports;
        this.actions = actions;
    }

    record ReportRequest(@NotBlank @Size(max = 200) String conversationId, @NotBlank @Size(max = 200) String messageId,
            @Size(max = 500) String reason) {
    }

    record HideRequest(@NotBlank @Size(max = 200) String conversationId, @NotBlank @Size(max = 200) String messageId,
            @NotBlank @Size(max = 500) String reason) {
    }

    /** Up to a year; null = until unblocked. */
    record BlockRequest(@NotBlank @Size(max = 200) String userId, @NotBlank @Size(max = 500) String reason,
            @Min(1) @Max(31_536_000) Long durationSeconds) {
    }

    @PostMapping("/api/reports")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<Map<String, String>> report(ServerWebExchange exchange, @Valid @RequestBody ReportRequest request) {
        return reports.report(Caller.userId(exchange), request.conversationId(), request.messageId(),
                        request.reason() == null ? "" : request.reason())
                .map(flag -> Map.of("flagId", flag.id(), "status", flag.status()));
    }

    @PostMapping("/api/moderation/messages/hide")
    Mono<Map<String, Boolean>> hide(ServerWebExchange exchange, @Valid @RequestBody HideRequest request) {
        return Mono.fromCallable(() -> Caller.moderator(exchange))
                .flatMap(moderator -> actions.hide(ConversationRef.newBuilder().setId(request.conversationId())
                        .build(), request.messageId(), request.reason(), "", moderator))
                .thenReturn(Map.of("hidden", true));
    }

    @PostMapping("/api/moderation/blocks")
    Mono<Map<String, Object>> block(ServerWebExchange exchange, @Valid @RequestBody BlockRequest request) {
        Instant until = request.durationSeconds() == null ? null
                : Instant.now().plusSeconds(request.durationSeconds());
        return Mono.fromCallable(() -> Caller.moderator(exchange))
                .flatMap(moderator -> actions.block(request.userId(), request.reason(), until, moderator))
                .map(result -> {
                    Map<String, Object> body = new java.util.LinkedHashMap<>();
                    body.put("userId", request.userId());
                    body.put("blocked", true);
                    body.put("alreadyBlocked", result.alreadyBlocked());
                    body.put("until", until == null ? null : until.toString());
                    return body;
                });
    }

    @DeleteMapping("/api/moderation/blocks/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> unblock(ServerWebExchange exchange, @PathVariable String userId) {
        return Mono.fromCallable(() -> Caller.moderator(exchange))
                .flatMap(moderator -> actions.unblock(userId, "unblocked by a moderator", moderator))
                .then();
    }
}
