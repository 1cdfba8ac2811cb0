package io.chatplatform.chat.message;

import io.chatplatform.chat.Problems;
import io.chatplatform.chat.web.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code /api/conversations/{id}/messages}: send (201, or 200 for a repeated clientMsgId), history, edit, delete. */
@RestController
@RequestMapping("/api/conversations/{conversationId}/messages")
class MessageController {

    private final MessageService messages;

    MessageController(MessageService messages) {
        this.messages = messages;
    }

    @PostMapping
    Mono<ResponseEntity<SendResponse>> send(
            @PathVariable String conversationId, @RequestBody SendRequest request, ServerWebExchange exchange) {
        String senderId = Caller.userId(exchange);
        if (request == null) {
            return Mono.error(Problems.invalid("body", "a JSON body is required"));
        }
        return messages.send(conversationId, senderId, request.clientMsgId(), request.text(), request.replyTo())
                .map(appended -> ResponseEntity.status(appended.duplicate() ? HttpStatus.OK : HttpStatus.CREATED)
                        .body(new SendResponse(MessageView.of(appended.message(), senderId), appended.duplicate())));
    }

    /** {@code before}/{@code after} are exclusive seq bounds; see {@link MessageService#history}. */
    @GetMapping
    Mono<HistoryResponse> history(
            @PathVariable String conversationId,
            @RequestParam(required = false) Long before,
            @RequestParam(required = false) Long after,
            @RequestParam(required = false) Integer limit,
            ServerWebExchange exchange) {
        String viewerId = Caller.userId(exchange);
        if (limit != null && limit < 1) {
            return Mono.error(Problems.invalid("limit", "must be at least 1"));
        }
        return messages.history(conversationId, viewerId, before == null ? 0 : before, after == null ? 0 : after,
                        limit == null ? 0 : limit)
                .map(page -> new HistoryResponse(
                        page.messages().stream().map(message -> MessageView.of(message, viewerId)).toList(),
                        page.hasMore(), page.latestSeq()));
    }

    /** The sender replaces the text within the edit window; the edit takes the next seq, the message keeps its own. */
    @PatchMapping("/{messageId}")
    Mono<MessageView> edit(@PathVariable String conversationId, @PathVariable String messageId,
                           @RequestBody EditRequest request, ServerWebExchange exchange) {
        String editorId = Caller.userId(exchange);
        return messages.edit(conversationId, messageId, editorId, request == null ? null : request.text())
                .map(message -> MessageView.of(message, editorId));
    }

    /**
     * The sender, a room admin or a moderator deletes the message (a tombstone keeps its seq, the deletion takes the
     * next); deleting again changes nothing.
     */
    @DeleteMapping("/{messageId}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String conversationId, @PathVariable String messageId,
                                      ServerWebExchange exchange) {
        var actor = new MessageService.Actor(Caller.userId(exchange), Caller.isModerator(exchange));
        return messages.delete(conversationId, messageId, actor)
                .thenReturn(ResponseEntity.noContent().<Void>build());
    }

    record EditRequest(String text) {
    }

    /** Body of a send; {@code replyTo} is optional. */
    record SendRequest(String clientMsgId, String text, String replyTo) {
    }

    /** The stored message; {@code duplicate} when this repeated an earlier send. */
    record SendResponse(MessageView message, boolean duplicate) {
    }

    record HistoryResponse(List<MessageView> messages, boolean hasMore, long latestSeq) {
    }
}
