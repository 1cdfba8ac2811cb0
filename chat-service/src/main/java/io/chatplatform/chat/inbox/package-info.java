/**
 * {@code GET /api/conversations}: the caller's rooms and DMs with their last message and unread count, newest
 * activity first. Start at {@link io.chatplatform.chat.inbox.InboxController}.
 */
package io.chatplatform.chat.inbox;
