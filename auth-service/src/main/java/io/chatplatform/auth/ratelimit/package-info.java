/**
 * Per-IP and per-account limits on login, registration and password reset, in Redis: start at
 * {@link io.chatplatform.auth.ratelimit.RateLimiter}.
 */
package io.chatplatform.auth.ratelimit;
