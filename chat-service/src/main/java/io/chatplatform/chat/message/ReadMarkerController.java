package io.chatplatform.chat.message;

import io.chatplatform.chat.Problems;
import io.chatplatform.chat.web.Caller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code POST /api/conversations/{id}/read {seq}}: moves the caller's read marker forward, never back. */
@RestController
class ReadMarkerController {

    private final MessageService messages;

    ReadMarkerController(MessageService messages) {
        this.messages = messages;
    }

    @PostMapping("/api/conversations/{conversationId}/read")
    Mono<MessageService.ReadMarker> read(
            @PathVariable String conversationId, @RequestBody ReadRequest request, ServerWebExchange exchange) {
        String userId = Caller.userId(exchange);
        if (request == null || request.seq() == null || request.seq() < 0) {
            return Mono.error(Problems.invalid("seq", "must be a seq of 0 or more"));
        }
        return messages.markRead(conversationId, userId, request.seq());
    }

    record ReadRequest(Long seq) {
    }
}
