package io.chatplatform.auth.session;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.session.SessionService.Tokens;
import io.chatplatform.auth.token.AuthenticatedUser;
import io.chatplatform.auth.web.ClientInfo;
import io.chatplatform.contracts.events.SessionRevokeReason;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Login, refresh, logout and the caller's sessions under {@code /api/auth}. */
@RestController
@RequestMapping("/api/auth")
class SessionController {

    private final SessionService sessions;
    private final AuthProperties properties;
    private final Clock clock;

    SessionController(SessionService sessions, AuthProperties properties, Clock clock) {
        this.sessions = sessions;
        this.properties = properties;
        this.clock = clock;
    }

    @PostMapping("/login")
    Mono<Tokens> login(@Valid @RequestBody LoginRequest request, ServerWebExchange exchange) {
        return sessions.login(request.login(), request.password(),
                ClientInfo.of(exchange.getRequest(), properties.trustForwardedFor()));
    }

    @PostMapping("/refresh")
    Mono<Tokens> refresh(@Valid @RequestBody RefreshRequest request) {
        return sessions.refresh(request.refreshToken());
    }

    @PostMapping("/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> logout(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller) {
        return sessions.logout(caller.userId(), caller.sessionId());
    }

    @GetMapping("/sessions")
    Mono<Map<String, List<SessionView>>> list(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller) {
        Instant now = clock.instant();
        return sessions.unrevoked(caller.userId())
                .filter(session -> session.isLive(now))
                .map(session -> SessionView.of(session, caller.sessionId()))
                .collectList()
                .map(views -> Map.of("sessions", views));
    }

    @DeleteMapping("/sessions/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> revoke(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @PathVariable String sessionId) {
        return sessions.revokeOne(caller.userId(), sessionId);
    }

    /** Revokes every session but the caller's own ("log out everywhere else"). */
    @DeleteMapping("/sessions")
    Mono<Map<String, Long>> revokeOthers(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller) {
        return sessions.revokeAll(caller.userId(), caller.sessionId(),
                        SessionRevokeReason.SESSION_REVOKE_REASON_USER_REVOKED)
                .map(count -> Map.of("revoked", count));
    }

    /** @param login username or email, case-insensitive */
    record LoginRequest(
            @NotBlank(message = "is required") @Size(max = 254, message = "is too long") String login,
            @NotBlank(message = "is required") @Size(max = 1024, message = "is too long") String password) {

        @Override
        public String toString() {
            return "LoginRequest[login=" + login + "]";
        }
    }

    record RefreshRequest(@NotBlank(message = "is required") @Size(max = 256, message = "is too long")
            String refreshToken) {

        @Override
        public String toString() {
            return "RefreshRequest[]";
        }
    }

    /** One session as its owner sees it; {@code current} marks the one the request was made with. */
    record SessionView(String id, String userAgent, String ip, Instant createdAt, Instant lastUsedAt,
            boolean current) {

        static SessionView of(Session session, String currentSessionId) {
            return new SessionView(session.id(), session.userAgent(), session.ip(), session.createdAt(),
                    session.lastUsedAt(), session.id().equals(currentSessionId));
        }
    }
}
