/**
 * What every service shares and nothing more: {@code kafka} (the one Reactor Kafka adapter), {@code redis}
 * (Pub/Sub), {@code ratelimit} (fixed-window limits in Redis), {@code jwt} (access-token verification),
 * {@code problem} (RFC 9457 errors) and {@code autoconfigure} (wiring them into a Boot application). No business
 * logic lives here.
 */
package io.chatplatform.support;
