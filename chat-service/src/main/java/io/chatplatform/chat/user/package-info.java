/**
 * chat-service's own view of the users auth-service knows: account status and usernames, so a send can refuse a
 * blocked sender and resolve {@code @username} mentions without a call to auth-service.
 *
 * <p>Start at {@link io.chatplatform.chat.user.UserDirectory}, the API the send path uses. It is fed by
 * {@link io.chatplatform.chat.user.AuthEventsConsumer}, which reads {@code user.registered} and
 * {@code user.status-changed} from Kafka {@code auth.events} (group {@code chat-service}) into the collection
 * {@code users} through {@link io.chatplatform.chat.user.UserStore}. Applying an event twice changes nothing, and a
 * status change older than the stored one is ignored, so redeliveries and replays are harmless.
 *
 * <p>Status checks are answered from the set of blocked users ({@link io.chatplatform.support.cache.SetSnapshot}),
 * which each instance reads whole so that it is never older than {@code chat.chat-service.users.status-cache-ttl}
 * (1 s by default): the instance that consumes a block event applies it at once, every other instance with its next
 * read of the set. Without a fresh set (at start, while MongoDB fails) a check reads that user and keeps the answer
 * as long. Settings are {@link io.chatplatform.chat.user.UserDirectoryProperties}.
 */
package io.chatplatform.chat.user;
