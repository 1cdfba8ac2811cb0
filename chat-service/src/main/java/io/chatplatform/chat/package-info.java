/**
 * Rooms, direct messages, membership, history, read markers and the outbox relay; the only writer of messages.
 *
 * <p>Start reading at {@link io.chatplatform.chat.ChatServiceApplication}; feature packages sit beside it.
 */
package io.chatplatform.chat;
