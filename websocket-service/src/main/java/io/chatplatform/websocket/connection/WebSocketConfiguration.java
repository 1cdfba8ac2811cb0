package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.WebSocketProperties;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** Maps {@code /ws} to the handler, with the inbound frame size limit (a larger frame closes with 1009). */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration {

    @Bean
    HandlerMapping webSocketMapping(ChatSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of("/ws", handler), Ordered.HIGHEST_PRECEDENCE);
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(WebSocketProperties properties) {
        var strategy = new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder()
                .maxFramePayloadLength(properties.maxFrameSize()));
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
    }
}
