package io.chatplatform.auth.account;

import io.chatplatform.auth.Problems;
import io.chatplatform.auth.token.AuthenticatedUser;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Admin-only account management under {@code /api/users/{id}}: the moderator role and account status. */
@RestController
@RequestMapping("/api/users/{userId}")
class AdminController {

    private final AccountService accounts;

    AdminController(AccountService accounts) {
        this.accounts = accounts;
    }

    @PutMapping("/roles/{role}")
    Mono<RolesView> grant(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @PathVariable String userId, @PathVariable String role) {
        return requireAdmin(caller)
                .then(grantable(role))
                .then(accounts.setRole(userId, role, true))
                .map(RolesView::of);
    }

    @DeleteMapping("/roles/{role}")
    Mono<RolesView> revoke(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @PathVariable String userId, @PathVariable String role) {
        return requireAdmin(caller)
                .then(grantable(role))
                .then(accounts.setRole(userId, role, false))
                .map(RolesView::of);
    }

    @PutMapping("/status")
    Mono<StatusView> setStatus(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @PathVariable String userId, @Valid @RequestBody StatusRequest request) {
        AccountStatus status = User.BLOCKED.equals(request.status())
                ? AccountStatus.ACCOUNT_STATUS_BLOCKED
                : AccountStatus.ACCOUNT_STATUS_ACTIVE;
        Actor actor = Actor.newBuilder()
                .setKind(ActorKind.ACTOR_KIND_USER)
                .setUserId(caller.userId())
                .setService("auth-service")
                .build();
        return requireAdmin(caller)
                .then(accounts.setStatus(userId, status, request.reason(), actor))
                .map(change -> new StatusView(userId, request.status(), change.revokedSessions(),
                        change.changedAt()));
    }

    private static Mono<Void> requireAdmin(AuthenticatedUser caller) {
        return caller.isAdmin()
                ? Mono.empty()
                : Mono.error(Problems.forbidden("Only admins may change roles or account status."));
    }

    private static Mono<Void> grantable(String role) {
        return Roles.GRANTABLE.contains(role)
                ? Mono.empty()
                : Mono.error(Problems.invalidField("role", "must be one of " + Roles.GRANTABLE));
    }

    record StatusRequest(
            @NotBlank(message = "is required")
            @Pattern(regexp = "active|blocked", message = "must be 'active' or 'blocked'") String status,
            @Size(max = 500, message = "must be at most 500 characters") String reason) {
    }

    record RolesView(String userId, List<String> roles) {
        static RolesView of(User user) {
            return new RolesView(user.id(), user.roles());
        }
    }

    record StatusView(String userId, String status, int revokedSessions, Instant changedAt) {
    }
}
