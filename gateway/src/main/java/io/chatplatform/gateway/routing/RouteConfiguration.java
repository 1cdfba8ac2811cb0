package io.chatplatform.gateway.routing;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The public path layout of DESIGN §7 mapped onto the services that own each path. Paths are kept whole
 * (no prefix stripping) so every service documents the same URLs the browser uses.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

    @Bean
    RouteLocator serviceRouteLocator(RouteLocatorBuilder routes, ServiceRoutes services) {
        return routes.routes()
                .route("auth", r -> r.path("/api/auth/**", "/api/users", "/api/users/**", "/.well-known/jwks.json")
                        .uri(services.authService()))
                .route("chat", r -> r.path("/api/rooms", "/api/rooms/**", "/api/dm/**",
                                "/api/conversations", "/api/conversations/**")
                        .uri(services.chatService()))
                .route("presence", r -> r.path("/api/presence", "/api/presence/**")
                        .uri(services.websocketService()))
                // An http:// target is switched to ws:// by the gateway when the request is a WebSocket upgrade.
                .route("websocket", r -> r.path("/ws")
                        .uri(services.websocketService()))
                .route("moderation", r -> r.path("/api/reports", "/api/reports/**", "/api/moderation/**")
                        .uri(services.moderationService()))
                .route("notifications", r -> r.path("/api/notifications", "/api/notifications/**")
                        .uri(services.notificationService()))
                .build();
    }
}
