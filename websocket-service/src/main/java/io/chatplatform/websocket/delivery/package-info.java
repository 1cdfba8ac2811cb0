/**
 * Live delivery: DM events from Redis {@code user:{id}} channels ({@link io.chatplatform.websocket.delivery.LocalConnections}),
 * room events from Kafka {@code chat.room-events} to local members, and the frames both become
 * ({@link io.chatplatform.websocket.delivery.Frames}).
 */
package io.chatplatform.websocket.delivery;
