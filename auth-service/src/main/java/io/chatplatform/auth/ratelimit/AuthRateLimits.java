package io.chatplatform.auth.ratelimit;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.support.ratelimit.RedisRateLimiter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * auth-service's limits on platform-support's {@link RedisRateLimiter}: which bucket each limit counts in, its limit
 * from {@code chat.auth.rate-limits}, and the shared window. Each check completes empty when allowed and errors with
 * a 429 problem ({@code Retry-After}) when refused; a Redis outage allows everything (see {@link RedisRateLimiter}).
 *
 * <p>Checks that count several limits run them one after the other and stop at the first refusal, so a request
 * refused per IP does not also use up the account's attempts.
 */
@Component
public class AuthRateLimits {

    private final RedisRateLimiter limiter;
    private final AuthProperties.RateLimits limits;

    AuthRateLimits(RedisRateLimiter limiter, AuthProperties properties) {
        this.limiter = limiter;
        this.limits = properties.rateLimits();
    }

    /** One login attempt: per client IP, then per login name (normalized). */
    public Mono<Void> checkLogin(String ip, String login) {
        return check(Buckets.LOGIN_IP, ip, limits.loginPerIp())
                .then(check(Buckets.LOGIN_ACCOUNT, login, limits.loginPerAccount()));
    }

    /** One registration per client IP. */
    public Mono<Void> checkRegistration(String ip) {
        return check(Buckets.REGISTER_IP, ip, limits.registerPerIp());
    }

    /** One password reset request: per client IP, then per email (lowercased). */
    public Mono<Void> checkPasswordReset(String ip, String emailLower) {
        return check(Buckets.RESET_IP, ip, limits.resetPerIp())
                .then(check(Buckets.RESET_ACCOUNT, emailLower, limits.resetPerAccount()));
    }

    private Mono<Void> check(String bucket, String key, int limit) {
        if (!limits.enabled()) {
            return Mono.empty();
        }
        return limiter.check(bucket, key, limit, limits.window());
    }

    /** Buckets, one per limit: the middle part of the Redis key {@code ratelimit:{bucket}:{key}}. */
    static final class Buckets {
        static final String LOGIN_IP = "login-ip";
        static final String LOGIN_ACCOUNT = "login-account";
        static final String REGISTER_IP = "register-ip";
        static final String RESET_IP = "reset-ip";
        static final String RESET_ACCOUNT = "reset-account";

        private Buckets() {
        }
    }
}
