package io.chatplatform.support.redis;

/**
 * A message received on a Redis channel.
 *
 * @param channel the channel it was published on (for pattern subscriptions, the concrete channel)
 * @param payload the published bytes
 */
public record RedisMessage(String channel, byte[] payload) {
}
