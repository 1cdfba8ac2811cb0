/**
 * Redis Pub/Sub with byte payloads (protobuf envelopes): start at {@link io.chatplatform.support.redis.RedisPubSub}.
 *
 * <p>Pub/Sub is at-most-once: a message published while a subscriber is disconnected is gone. Live delivery may
 * therefore miss messages; clients converge through {@code resume} (per-conversation {@code seq}), never through
 * Redis.
 */
package io.chatplatform.support.redis;
