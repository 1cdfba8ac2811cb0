package io.chatplatform.websocket.presence;

import io.chatplatform.support.problem.ApiException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/presence?users=a,b,c}: which of the users are online, for a signed-in caller. Only users who share
 * a conversation with the caller are reported; the others are left out, as if unknown.
 */
@RestController
class PresenceController {

    private static final int MAX_USERS = 100;

    private final Presence presence;

    PresenceController(Presence presence) {
        this.presence = presence;
    }

    @GetMapping("/api/presence")
    Mono<Map<String, Object>> presence(@RequestParam(defaultValue = "") String users, ServerWebExchange exchange) {
        String caller = exchange.getAttribute(ApiAuthenticationFilter.CALLER);
        List<String> asked = Arrays.stream(users.split(","))
                .map(String::strip)
                .filter(user -> !user.isEmpty())
                .distinct()
                .toList();
        if (asked.isEmpty() || asked.size() > MAX_USERS) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST,
                    "users: give 1 to " + MAX_USERS + " comma-separated user ids."));
        }
        return presence.contacts(caller, asked)
                .flatMap(visible -> presence.online(visible)
                        .map(online -> visible.stream()
                                .sorted()
                                .map(userId -> Map.<String, Object>of("userId", userId,
                                        "online", online.contains(userId)))
                                .toList()))
                .map(list -> Map.<String, Object>of("users", list));
    }
}
