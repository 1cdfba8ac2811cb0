package io.chatplatform.auth.account;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.account.AccountService.Registration;
import io.chatplatform.auth.profile.ProfileView;
import io.chatplatform.auth.token.AuthenticatedUser;
import io.chatplatform.auth.web.ClientInfo;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Registration, email verification and password reset under {@code /api/auth}. */
@RestController
@RequestMapping("/api/auth")
class AccountController {

    static final String USERNAME_PATTERN = "^[a-zA-Z0-9_.-]{3,32}$";

    private final AccountService accounts;
    private final AuthProperties properties;

    AccountController(AccountService accounts, AuthProperties properties) {
        this.accounts = accounts;
        this.properties = properties;
    }

    @PostMapping("/register")
    Mono<ResponseEntity<ProfileView>> register(@Valid @RequestBody RegisterRequest request,
            ServerWebExchange exchange) {
        Registration registration = new Registration(request.username(), request.email().strip(), request.password(),
                request.displayName());
        return accounts.register(registration, ClientInfo.of(exchange.getRequest(), properties.trustForwardedFor()))
                .map(user -> ResponseEntity.created(URI.create("/api/users/" + user.id()))
                        .body(ProfileView.own(user)));
    }

    @PostMapping("/verify-email")
    Mono<Map<String, Object>> verifyEmail(@Valid @RequestBody TokenRequest request) {
        return accounts.verifyEmail(request.token())
                .map(user -> Map.of("userId", user.id(), "emailVerified", true));
    }

    @PostMapping("/verify-email/resend")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Void> resendVerification(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller) {
        return accounts.resendVerification(caller.userId());
    }

    @PostMapping("/password-reset/request")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Void> requestReset(@Valid @RequestBody ResetRequest request, ServerWebExchange exchange) {
        return accounts.requestPasswordReset(request.email(),
                ClientInfo.of(exchange.getRequest(), properties.trustForwardedFor()));
    }

    @PostMapping("/password-reset/confirm")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> confirmReset(@Valid @RequestBody ResetConfirmation request) {
        return accounts.confirmPasswordReset(request.token(), request.newPassword());
    }

    record RegisterRequest(
            @NotBlank(message = "is required")
            @Pattern(regexp = USERNAME_PATTERN,
                    message = "must be 3 to 32 characters: letters, digits, '_', '.' or '-'") String username,
            @NotBlank(message = "is required") @Size(max = 254, message = "must be at most 254 characters")
            @Email(message = "must be a valid email address") String email,
            @AcceptablePassword String password,
            @Size(max = 64, message = "must be at most 64 characters") String displayName) {

        @Override
        public String toString() {
            return "RegisterRequest[username=" + username + "]";
        }
    }

    record TokenRequest(@NotBlank(message = "is required") @Size(max = 256, message = "is too long") String token) {

        @Override
        public String toString() {
            return "TokenRequest[]";
        }
    }

    record ResetRequest(
            @NotBlank(message = "is required") @Size(max = 254, message = "must be at most 254 characters")
            @Email(message = "must be a valid email address") String email) {
    }

    record ResetConfirmation(
            @NotBlank(message = "is required") @Size(max = 256, message = "is too long") String token,
            @AcceptablePassword String newPassword) {

        @Override
        public String toString() {
            return "ResetConfirmation[]";
        }
    }
}
