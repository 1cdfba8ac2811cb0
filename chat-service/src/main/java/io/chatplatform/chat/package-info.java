/**
 * Rooms, direct messages, membership, history, read markers and the outbox relay; the only writer of messages.
 *
 * <p>Start reading at {@link io.chatplatform.chat.ChatServiceApplication}; feature packages sit beside it:
 * {@code web} (who is calling), {@code conversation} (rooms, DMs, members), {@code message} (send, seq, history,
 * read markers), {@code outbox} (publishing events), {@code inbox} (the conversation list), {@code user} (account
 * status and mentions from {@code auth.events}), {@code ratelimit} (per-user limits in Redis) and {@code grpc}.
 * Settings are {@link io.chatplatform.chat.ChatProperties} ({@code chat.chat-service.*}); {@code user} and
 * {@code ratelimit} have their own records under the same prefix.
 */
package io.chatplatform.chat;
