/**
 * Rooms and direct messages (one id space, collection {@code conversations}) and their members (collection
 * {@code members}, one document per conversation and user with id {@code conversationId/userId}).
 *
 * <p>Start at {@link io.chatplatform.chat.conversation.ConversationAccess}: every read and write of a conversation
 * goes through it (404 for an unknown conversation, 403 for a non-member). {@link
 * io.chatplatform.chat.conversation.RoomController} and {@link io.chatplatform.chat.conversation.DmController} are
 * the REST API; {@link io.chatplatform.chat.conversation.ConversationStore} the MongoDB access.
 *
 * <p>A DM's id is derived from the sorted pair of user ids ({@link io.chatplatform.chat.conversation.Conversation#dmId}),
 * and it and its two member documents are written with upserts on those deterministic ids, so concurrent "open DM"
 * requests converge on the one DM without a transaction.
 */
package io.chatplatform.chat.conversation;
