package io.chatplatform.websocket.connection;

import io.chatplatform.contracts.chat.DeleteMessageRequest;
import io.chatplatform.contracts.chat.EditMessageRequest;
import io.chatplatform.contracts.chat.SendMessageRequest;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.support.jwt.InvalidTokenException;
import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.VerifiedToken;
import io.chatplatform.websocket.WebSocketProperties;
import io.chatplatform.websocket.chat.ChatClient;
import io.chatplatform.websocket.delivery.Frames;
import io.chatplatform.websocket.delivery.Ephemeral;
import io.chatplatform.websocket.delivery.LocalConnections;
import io.chatplatform.websocket.delivery.RoomMembers;
import io.chatplatform.websocket.observability.WebSocketMetrics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws}: the protocol of docs/websocket-protocol.md. The first frame must be {@code auth} within
 * {@code chat.websocket.auth-timeout}; then {@code send}, {@code resume} and {@code ping} are answered, and live
 * events arrive through {@link LocalConnections}. Frames are handled one at a time per connection, in order.
 */
@Component
class ChatSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketHandler.class);
    private static final int MAX_CLIENT_MSG_ID = 100;
    private static final int MAX_RESUME_CONVERSATIONS = 500;
    private static final long TYPING_MS = 5_000;
    private static final long TYPING_EVERY_MS = 2_000;

    private final JwksTokenVerifier verifier;
    private final ChatClient chat;
    private final LocalConnections connections;
    private final RoomMembers members;
    private final Ephemeral ephemeral;
    private final WebSocketProperties properties;
    private final FrameCodec codec;
    private final Clock clock;
    private final WebSocketMetrics metrics;
    private final ObservationRegistry observations;
    private final Heartbeats heartbeats;

    ChatSocketHandler(JwksTokenVerifier verifier, ChatClient chat, LocalConnections connections, RoomMembers members,
                      Ephemeral ephemeral, WebSocketProperties properties, JsonMapper json, Optional<Clock> clock,
                      WebSocketMetrics metrics, ObservationRegistry observations, Heartbeats heartbeats) {
        this.heartbeats = heartbeats;
        this.metrics = metrics;
        this.observations = observations;
        this.members = members;
        this.ephemeral = ephemeral;
        this.verifier = verifier;
        this.chat = chat;
        this.connections = connections;
        this.properties = properties;
        this.codec = new FrameCodec(json);
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        ClientSession session = new ClientSession(socket, properties.outboundBuffer());
        session.onSlowReader(metrics::slowReaderDropped);
        Disposable authDeadline = Mono.delay(properties.authTimeout())
                .subscribe(tick -> {
                    if (!session.authenticated()) {
                        session.close(CloseStatus.POLICY_VIOLATION.withReason("auth frame expected"));
                    }
                });
        Mono<Void> inbound = socket.receive()
                .doOnNext(message -> session.heard())
                .concatMap(message -> switch (message.getType()) {
                    case TEXT -> Mono.just(message.getPayloadAsText());
                    case BINARY -> {
                        if (session.authenticated()) {
                            session.reply(error("malformed", "Frames are JSON text; binary frames are not accepted.",
                                    null));
                        } else {
                            session.close(CloseStatus.POLICY_VIOLATION.withReason("auth frame expected"));
                        }
                        yield Mono.<String>empty();
                    }
                    default -> Mono.<String>empty();
                })
                .concatMap(text -> onFrame(session, text)
                        .onErrorResume(error -> {
                            log.warn("Frame handling failed on connection {}: {}", session.id(), error.toString());
                            session.reply(error("internal", "The frame could not be handled.", null));
                            return Mono.empty();
                        }))
                // The peer closed (or we did): nothing more will be sent either.
                .doFinally(signal -> session.complete())
                .then();
        heartbeats.watch(session);
        Mono<Void> outbound = socket.send(session.outbound());
        return Mono.zip(inbound, outbound)
                .then()
                .doFinally(signal -> {
                    authDeadline.dispose();
                    heartbeats.forget(session);
                    if (session.authenticated()) {
                        connections.remove(session);
                    }
                });
    }

    private Mono<Void> onFrame(ClientSession session, String text) {
        FrameCodec.ClientFrame decoded;
        try {
            decoded = codec.decode(text);
        } catch (FrameCodec.MalformedFrameException e) {
            if (!session.authenticated()) {
                // The first frame must be auth: anything else, readable or not, ends the connection.
                session.close(CloseStatus.POLICY_VIOLATION.withReason("auth frame expected"));
                return Mono.empty();
            }
            session.reply(error("malformed", "A frame is one JSON object with a \"type\".", null));
            return Mono.empty();
        }
        String type = decoded.type();
        JsonNode frame = decoded.body();
        if (!session.authenticated()) {
            if (!"auth".equals(type)) {
                session.close(CloseStatus.POLICY_VIOLATION.withReason("auth frame expected"));
                return Mono.empty();
            }
            return authenticate(session, frame);
        }
        return switch (type) {
            case "auth" -> reauthenticate(session, frame);
            case "ping" -> {
                session.reply(write(Map.of("type", "pong")));
                yield Mono.empty();
            }
            case "send" -> send(session, frame);
            case "edit" -> edit(session, frame);
            case "delete" -> delete(session, frame);
            case "read" -> read(session, frame);
            case "typing" -> typing(session, frame);
            case "delivered" -> delivered(session, frame);
            case "resume" -> resume(session, frame);
            default -> {
                session.reply(error("unknown-type", "Unknown frame type: " + abbreviate(type), null));
                yield Mono.empty();
            }
        };
    }

    private Mono<Void> authenticate(ClientSession session, JsonNode frame) {
        return verify(frame)
                .doOnNext(token -> {
                    session.authenticatedAs(token.subject(), token.sessionId(),
                            token.hasRole("moderator") || token.hasRole("admin"));
                    connections.add(session);
                    session.reply(write(Map.of("type", "ready", "userId", token.subject(),
                            "connectionId", session.id())));
                    expireWith(session, token);
                })
                .onErrorResume(InvalidTokenException.class, refused -> {
                    session.close(CloseStatus.POLICY_VIOLATION.withReason("invalid token"));
                    return Mono.empty();
                })
                .then();
    }

    /** A fresh token for the same user extends the connection past the first token's expiry. */
    private Mono<Void> reauthenticate(ClientSession session, JsonNode frame) {
        return verify(frame)
                .doOnNext(token -> {
                    if (!token.subject().equals(session.userId())) {
                        session.close(CloseStatus.POLICY_VIOLATION.withReason("token for another user"));
                        return;
                    }
                    session.reply(write(Map.of("type", "ready", "userId", token.subject(),
                            "connectionId", session.id())));
                    expireWith(session, token);
                })
                .onErrorResume(InvalidTokenException.class, refused -> {
                    session.close(CloseStatus.POLICY_VIOLATION.withReason("invalid token"));
                    return Mono.empty();
                })
                .then();
    }

    private Mono<VerifiedToken> verify(JsonNode frame) {
        String token = frame.path("token").isString() ? frame.path("token").asString() : "";
        return verifier.verify(token);
    }

    /** Closes the connection when the newest token it presented expires (1008), unless a newer one came first. */
    private void expireWith(ClientSession session, VerifiedToken token) {
        session.tokenValidUntil(token.expiresAt());
        Duration left = Duration.between(clock.instant(), token.expiresAt());
        session.expiryTimer(Mono.delay(left.isNegative() ? Duration.ZERO : left)
                .subscribe(tick -> session.closeIfExpired(token.expiresAt(), clock.instant())));
    }

    private Mono<Void> send(ClientSession session, JsonNode frame) {
        String conversationId = text(frame, "conversationId");
        String clientMsgId = text(frame, "clientMsgId");
        String body = text(frame, "text");
        if (conversationId == null || clientMsgId == null || body == null || clientMsgId.length() > MAX_CLIENT_MSG_ID) {
            session.reply(error("invalid", "send needs conversationId, clientMsgId (1-100 characters) and text.",
                    clientMsgId));
            return Mono.empty();
        }
        SendMessageRequest.Builder request = SendMessageRequest.newBuilder()
                .setConversation(ConversationRef.newBuilder().setId(conversationId))
                .setSenderUserId(session.userId())
                .setClientMsgId(clientMsgId)
                .setText(body);
        Optional.ofNullable(text(frame, "replyTo")).ifPresent(request::setReplyToMessageId);
        // One observation (a span, with tracing) per send: the gRPC call is its child, and chat-service stores the
        // message with this trace, so the message's delivery continues it.
        Observation observation = Observation.createNotStarted("chat.websocket.send", observations).start();
        return chat.send(request.build())
                .doOnNext(stored -> {
                    try (Observation.Scope scope = observation.openScope()) {
                        log.debug("Sent {} as {}#{}", clientMsgId, conversationId, stored.getSeq());
                    }
                    Map<String, Object> ack = new LinkedHashMap<>();
                    ack.put("type", "ack");
                    ack.put("clientMsgId", clientMsgId);
                    ack.put("conversationId", conversationId);
                    ack.put("messageId", stored.getMessageId());
                    ack.put("seq", stored.getSeq());
                    ack.put("duplicate", stored.getDuplicate());
                    ack.put("moderationState", Frames.moderationStateName(stored.getModerationState()));
                    session.reply(write(ack));
                })
                .onErrorResume(StatusRuntimeException.class, failure -> {
                    session.reply(error(code(failure.getStatus()), failure.getStatus().getDescription(), clientMsgId));
                    return Mono.empty();
                })
                .doOnError(observation::error)
                .doFinally(signal -> observation.stop())
                .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, observation))
                .then();
    }

    private Mono<Void> edit(ClientSession session, JsonNode frame) {
        String conversationId = text(frame, "conversationId");
        String messageId = text(frame, "messageId");
        String body = text(frame, "text");
        if (conversationId == null || messageId == null || body == null) {
            session.reply(error("invalid", "edit needs conversationId, messageId and text.", null));
            return Mono.empty();
        }
        return chat.edit(EditMessageRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(conversationId))
                        .setMessageId(messageId)
                        .setEditorUserId(session.userId())
                        .setText(body)
                        .build())
                .doOnNext(edited -> session.reply(write(Map.of("type", "ack", "of", "edit",
                        "conversationId", conversationId, "messageId", messageId,
                        "seq", edited.getMessage().getSeq()))))
                .onErrorResume(StatusRuntimeException.class, failure -> refused(session, failure, conversationId))
                .then();
    }

    private Mono<Void> delete(ClientSession session, JsonNode frame) {
        String conversationId = text(frame, "conversationId");
        String messageId = text(frame, "messageId");
        if (conversationId == null || messageId == null) {
            session.reply(error("invalid", "delete needs conversationId and messageId.", null));
            return Mono.empty();
        }
        return chat.delete(DeleteMessageRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder().setId(conversationId))
                        .setMessageId(messageId)
                        .setUserId(session.userId())
                        .setModerator(session.moderator())
                        .build())
                .then(Mono.fromRunnable(() -> session.reply(write(Map.of("type", "ack", "of", "delete",
                        "conversationId", conversationId, "messageId", messageId)))))
                .onErrorResume(StatusRuntimeException.class, failure -> refused(session, failure, conversationId))
                .then();
    }

    /**
     * Typing in a conversation the user is a member of: shown to the other members for {@value #TYPING_MS} ms. At most
     * one per conversation per {@value #TYPING_EVERY_MS} ms per connection is passed on; extra ones are dropped
     * silently (clients send on every keystroke).
     */
    private Mono<Void> typing(ClientSession session, JsonNode frame) {
        String conversationId = text(frame, "conversationId");
        if (conversationId == null) {
            session.reply(error("invalid", "typing needs conversationId.", null));
            return Mono.empty();
        }
        if (!session.mayTyping(conversationId, TYPING_EVERY_MS)) {
            return Mono.empty();
        }
        return member(session, conversationId)
                .flatMap(member -> ephemeral.typing(conversationId, session.userId(), TYPING_MS))
                .onErrorResume(StatusRuntimeException.class, failure -> refused(session, failure, conversationId));
    }

    /** The client has received a conversation's messages up to {@code seq}; the other members get a receipt. */
    private Mono<Void> delivered(ClientSession session, JsonNode frame) {
        String conversationId = text(frame, "conversationId");
        JsonNode seq = frame.path("seq");
        if (conversationId == null || !seq.canConvertToLong() || seq.asLong() < 0) {
            session.reply(error("invalid", "delivered needs conversationId and seq (0 or more).", null));
            return Mono.empty();
        }
        return member(session, conversationId)
                .flatMap(member -> ephemeral.delivered(conversationId, session.userId(), seq.asLong()))
                .onErrorResume(StatusRuntimeException.class, failure -> refused(session, failure, conversationId));
    }

    /** Completes with a value if the user is a member (asked of chat-service, cached); else an error frame. */
    private Mono<Boolean> member(ClientSession session, String conversationId) {
        return members.membersAmong(conversationId, java.util.Set.of(session.userId()))
                .filter(found -> found.contains(session.userId()))
                .map(found -> true)
                .switchIfEmpty(Mono.fromRunnable(() -> {
                    Map<String, Object> error = new LinkedHashMap<>(errorBody("forbidden",
                            "You are not a member of this conversation.", null));
                    error.put("conversationId", conversationId);
                    session.reply(write(error));
                }));
    }

    /** Moves the read marker (chat-service emits the read receipt to the other members). */
    private Mono<Void> read(ClientSession session, JsonNode frame) {
        String conversationId = text(frame, "conversationId");
        JsonNode seq = frame.path("seq");
        if (conversationId == null || !seq.canConvertToLong() || seq.asLong() < 0) {
            session.reply(error("invalid", "read needs conversationId and seq (0 or more).", null));
            return Mono.empty();
        }
        return chat.markRead(conversationId, session.userId(), seq.asLong())
                .doOnNext(marker -> session.reply(write(Map.of("type", "ack", "of", "read",
                        "conversationId", conversationId, "lastReadSeq", marker.getLastReadSeq(),
                        "unreadCount", marker.getUnreadCount()))))
                .onErrorResume(StatusRuntimeException.class, failure -> refused(session, failure, conversationId))
                .then();
    }

    private <T> Mono<T> refused(ClientSession session, StatusRuntimeException failure, String conversationId) {
        Map<String, Object> error = new LinkedHashMap<>(errorBody(code(failure.getStatus()),
                failure.getStatus().getDescription(), null));
        error.put("conversationId", conversationId);
        session.reply(write(error));
        return Mono.empty();
    }

    /**
     * {@code {"type":"resume","conversations":{"<id>": lastSeq, ...}}}: per conversation, the entries after
     * {@code lastSeq} in order, then {@code resume.done}; or {@code resume.limited} when more were missed than one
     * resume replays. Live frames of a conversation wait while it is replayed and follow without duplicates.
     */
    private Mono<Void> resume(ClientSession session, JsonNode frame) {
        JsonNode conversations = frame.path("conversations");
        if (!conversations.isObject() || conversations.size() > MAX_RESUME_CONVERSATIONS) {
            session.reply(error("invalid", "resume needs conversations: {conversationId: lastSeq}, at most "
                    + MAX_RESUME_CONVERSATIONS + ".", null));
            return Mono.empty();
        }
        Map<String, Long> from = new LinkedHashMap<>();
        for (var entry : conversations.properties()) {
            if (!entry.getValue().canConvertToLong() || entry.getValue().asLong() < 0) {
                session.reply(error("invalid", "lastSeq must be a number, 0 or more.", null));
                return Mono.empty();
            }
            from.put(entry.getKey(), entry.getValue().asLong());
        }
        return Flux.fromIterable(from.entrySet())
                .concatMap(entry -> replay(session, entry.getKey(), entry.getValue()))
                .then();
    }

    private Mono<Void> replay(ClientSession session, String conversationId, long lastSeq) {
        int limit = properties.resumeLimit();
        session.resumeStarted(conversationId);
        return chat.history(conversationId, session.userId(), lastSeq, limit)
                .doOnNext(page -> {
                    metrics.resumed(page.getHasMore());
                    if (page.getHasMore()) {
                        session.reply(write(Map.of("type", "resume.limited", "conversationId", conversationId,
                                "fromSeq", lastSeq, "latestSeq", page.getLatestSeq())));
                        return;
                    }
                    page.getMessagesList().forEach(entry -> {
                        Frames.Frame replayed = Frames.ofEntry(entry);
                        session.replay(replayed, write(replayed.body()));
                    });
                    session.reply(write(Map.of("type", "resume.done", "conversationId", conversationId,
                            "latestSeq", page.getLatestSeq())));
                })
                .onErrorResume(StatusRuntimeException.class, failure -> refused(session, failure, conversationId))
                .doFinally(signal -> session.resumed(conversationId))
                .then();
    }

    private static String code(Status status) {
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> "invalid";
            case PERMISSION_DENIED -> "forbidden";
            case NOT_FOUND -> "not-found";
            case RESOURCE_EXHAUSTED -> "rate-limited";
            case FAILED_PRECONDITION, ALREADY_EXISTS -> "conflict";
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "unavailable";
            default -> "internal";
        };
    }

    private String error(String code, String message, String clientMsgId) {
        return write(errorBody(code, message, clientMsgId));
    }

    private static Map<String, Object> errorBody(String code, String message, String clientMsgId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("code", code);
        error.put("message", message == null ? code : message);
        if (clientMsgId != null) {
            error.put("clientMsgId", clientMsgId);
        }
        return error;
    }

    private String write(Map<String, ?> frame) {
        return codec.encode(frame);
    }

    private static String text(JsonNode frame, String field) {
        JsonNode value = frame.path(field);
        return value.isString() && !value.asString().isEmpty() ? value.asString() : null;
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
