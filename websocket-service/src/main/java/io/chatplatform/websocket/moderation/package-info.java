/**
 * What moderation tells a user directly: {@link io.chatplatform.websocket.moderation.Warnings} delivers
 * {@code user.warned} from Kafka {@code moderation.events} as a {@code warned} frame to the user's connections.
 */
package io.chatplatform.websocket.moderation;
