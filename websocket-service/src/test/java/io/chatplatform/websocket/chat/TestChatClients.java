package io.chatplatform.websocket.chat;

import io.chatplatform.support.grpc.ServiceAuthProperties;
import io.chatplatform.websocket.WebSocketProperties;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;

/** A {@link ChatClient} with the shipped settings, for a stand-in chat-service on this machine's {@code port}. */
public final class TestChatClients {

    private TestChatClients() {
    }

    public static ChatClient forPort(int port) {
        WebSocketProperties properties = new WebSocketProperties(List.of("http://localhost:8080"),
                Duration.ofSeconds(5), 65536, 1024, 200, "127.0.0.1:" + port, Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
        return new ChatClient(properties, new ServiceAuthProperties(null, List.of()), ObservationRegistry.NOOP);
    }
}
