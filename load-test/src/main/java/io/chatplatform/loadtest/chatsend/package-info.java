/**
 * The {@code chat-send} scenario: rooms created over REST, then SendMessage over gRPC at fixed rates
 * ({@link io.chatplatform.loadtest.chatsend.SendDriver}), then a read-back of every room's seq
 * ({@link io.chatplatform.loadtest.chatsend.PersistenceCheck}). Start at
 * {@link io.chatplatform.loadtest.chatsend.ChatSendCommand}.
 */
package io.chatplatform.loadtest.chatsend;
