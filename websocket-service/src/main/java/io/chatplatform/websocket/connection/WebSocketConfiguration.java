package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.WebSocketProperties;
import io.micrometer.observation.ObservationPredicate;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** Maps {@code /ws} to the handler, with the inbound frame size limit (a larger frame closes with 1009). */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration {

    static final String PATH = "/ws";

    @Bean
    HandlerMapping webSocketMapping(ChatSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(PATH, handler), Ordered.HIGHEST_PRECEDENCE);
    }

    /**
     * No HTTP server observation for requests to {@code /ws}: the upgrade's observation would stay open for the
     * connection's whole life, holding a context, a span and their tags for every connected client, and its timer would
     * record connection lifetimes as request durations. What a connection does is observed per frame instead (a send is
     * {@code chat.websocket.send}, the root of its own trace).
     */
    @Bean
    ObservationPredicate noServerObservationForWebSocketConnections() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && PATH.equals(server.getCarrier().getPath().value()));
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(WebSocketProperties properties) {
        var strategy = new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder()
                .maxFramePayloadLength(properties.maxFrameSize()));
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
    }
}
