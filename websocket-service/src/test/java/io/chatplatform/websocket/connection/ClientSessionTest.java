package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.websocket.delivery.Frames;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The per-connection rules that are easiest to get wrong: the bounded queue, and each log entry going out once. */
class ClientSessionTest {

    @Test
    void aReaderThatFallsBehindTheQueueIsClosedWith1013() {
        RecordingSocket socket = new RecordingSocket();
        ClientSession session = new ClientSession(socket, 16);
        session.authenticatedAs("u-1", "s-1", false);

        for (int seq = 1; seq <= 17; seq++) {
            session.deliver(frame("c-1", seq), "{\"seq\":" + seq + "}");
        }

        assertThat(socket.closedWith.get()).isNotNull();
        assertThat(socket.closedWith.get().getCode()).isEqualTo(1013);
    }

    @Test
    void eachLogEntryGoesOutOnceWhicheverPathBringsItFirst() {
        ClientSession session = new ClientSession(new RecordingSocket(), 64);
        session.authenticatedAs("u-1", "s-1", false);

        session.deliver(frame("c-1", 3), "live 3");
        session.resumeStarted("c-1");
        session.deliver(frame("c-1", 4), "live 4");
        session.replay(frame("c-1", 2), "replay 2");
        session.replay(frame("c-1", 3), "replay 3");
        session.resumed("c-1");
        session.deliver(frame("c-1", 4), "live 4 again");
        session.deliver(new Frames.Frame("c-1", 0, null, Map.of()), "receipt");
        session.complete();

        assertThat(session.outbound().map(WebSocketMessage::getPayloadAsText).collectList().block(Duration.ofSeconds(5)))
                .as("3 once (live first), the replay's 2, the held-back live 4 after the replay, no second 4")
                .containsExactly("live 3", "replay 2", "live 4", "receipt");
    }

    @Test
    void typingIsPassedOnAtMostOncePerInterval() {
        ClientSession session = new ClientSession(new RecordingSocket(), 16);

        assertThat(session.mayTyping("c-1", 60_000)).isTrue();
        assertThat(session.mayTyping("c-1", 60_000)).isFalse();
        assertThat(session.mayTyping("c-2", 60_000)).as("per conversation").isTrue();
    }

    @Test
    void aNewTokensTimerReplacesTheLastAndTheConnectionsEndDisposesIt() {
        ClientSession session = new ClientSession(new RecordingSocket(), 16);
        Disposable first = Disposables.single();
        Disposable second = Disposables.single();
        Disposable afterTheEnd = Disposables.single();

        session.expiryTimer(first);
        session.expiryTimer(second);
        assertThat(first.isDisposed()).as("the previous token's timer").isTrue();
        assertThat(second.isDisposed()).isFalse();

        session.complete();
        assertThat(second.isDisposed())
                .as("a closed connection's timer, which would otherwise keep it in memory until the token expires")
                .isTrue();

        session.expiryTimer(afterTheEnd);
        assertThat(afterTheEnd.isDisposed()).as("a token verified after the connection ended").isTrue();
    }

    @Test
    void aHeartbeatPingsBetweenTheFramesAndClosesAConnectionSilentPastTheLimitWith1001() {
        RecordingSocket socket = new RecordingSocket();
        ClientSession session = new ClientSession(socket, 16);
        session.authenticatedAs("u-1", "s-1", false);

        session.deliver(frame("c-1", 1), "one");
        session.heartbeat(Long.MAX_VALUE);
        session.deliver(frame("c-1", 2), "two");
        assertThat(socket.closedWith.get()).isNull();

        session.heartbeat(-1);
        assertThat(socket.closedWith.get()).as("silent for longer than the limit").isEqualTo(ClientSession.NO_HEARTBEAT);
        session.complete();
        assertThat(session.outbound().map(message -> message.getType() + ":" + message.getPayloadAsText())
                .collectList().block(Duration.ofSeconds(5)))
                .containsExactly("TEXT:one", "PING:", "TEXT:two");
    }

    private static Frames.Frame frame(String conversationId, long seq) {
        return new Frames.Frame(conversationId, seq, null, Map.of("seq", seq));
    }

    /** The parts of a WebSocket session a ClientSession uses: its id, and close. */
    private static final class RecordingSocket implements WebSocketSession {

        final AtomicReference<CloseStatus> closedWith = new AtomicReference<>();
        private final DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

        @Override
        public String getId() {
            return "test";
        }

        @Override
        public HandshakeInfo getHandshakeInfo() {
            return new HandshakeInfo(URI.create("ws://localhost/ws"), new HttpHeaders(), Mono.empty(), null);
        }

        @Override
        public DataBufferFactory bufferFactory() {
            return buffers;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return Map.of();
        }

        @Override
        public Flux<WebSocketMessage> receive() {
            return Flux.empty();
        }

        @Override
        public Mono<Void> send(Publisher<WebSocketMessage> messages) {
            return Mono.empty();
        }

        @Override
        public boolean isOpen() {
            return closedWith.get() == null;
        }

        @Override
        public Mono<Void> close(CloseStatus status) {
            return Mono.fromRunnable(() -> closedWith.set(status));
        }

        @Override
        public Mono<CloseStatus> closeStatus() {
            return Mono.justOrEmpty(closedWith.get());
        }

        @Override
        public WebSocketMessage textMessage(String payload) {
            return new WebSocketMessage(WebSocketMessage.Type.TEXT, buffers.wrap(payload.getBytes()));
        }

        @Override
        public WebSocketMessage binaryMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return new WebSocketMessage(WebSocketMessage.Type.BINARY, payloadFactory.apply(buffers));
        }

        @Override
        public WebSocketMessage pingMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return new WebSocketMessage(WebSocketMessage.Type.PING, payloadFactory.apply(buffers));
        }

        @Override
        public WebSocketMessage pongMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
            return new WebSocketMessage(WebSocketMessage.Type.PONG, payloadFactory.apply(buffers));
        }
    }
}
