package io.chatplatform.gateway.routing;

import java.net.URI;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the gateway finds each backend service. Defaults match the services' own default ports on one machine.
 *
 * @param authService         accounts, tokens, profiles and the JWKS
 * @param chatService         rooms, DMs, conversations and messages
 * @param websocketService    the /ws endpoint and presence queries
 * @param moderationService   reports of messages and users
 * @param notificationService push subscriptions and notification preferences
 */
@Validated
@ConfigurationProperties("chat.gateway.routes")
public record ServiceRoutes(
        @NotNull URI authService,
        @NotNull URI chatService,
        @NotNull URI websocketService,
        @NotNull URI moderationService,
        @NotNull URI notificationService) {

    public ServiceRoutes {
        authService = orDefault(authService, "http://127.0.0.1:8081");
        chatService = orDefault(chatService, "http://127.0.0.1:8082");
        websocketService = orDefault(websocketService, "http://127.0.0.1:8083");
        moderationService = orDefault(moderationService, "http://127.0.0.1:8084");
        notificationService = orDefault(notificationService, "http://127.0.0.1:8085");
    }

    private static URI orDefault(URI value, String fallback) {
        return value != null ? value : URI.create(fallback);
    }
}
