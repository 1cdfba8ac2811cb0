/**
 * Messages: send, history and the per-conversation {@code seq}. Start at
 * {@link io.chatplatform.chat.message.MessageService}; {@link io.chatplatform.chat.message.MessageController} is the
 * REST API and {@link io.chatplatform.chat.message.MessageStore} the {@code messages} collection.
 *
 * <h2>Seq: gap-free without a counter</h2>
 * There is no separate counter document. A send reads the conversation's highest stored seq (one entry of the unique
 * index {@code (conversationId, seq)}) and inserts the message with that plus one; the insert itself is the atomic
 * step that claims the seq. If another writer (another request, or another instance) took it first, the unique index
 * refuses the insert and the send re-reads and tries the next seq, with a short jittered backoff. Hence:
 * <ul>
 *   <li>no duplicates: the unique index admits one message per seq;</li>
 *   <li>no gaps: a seq only exists once its message is stored, and every new seq is "highest stored + 1". A counter
 *       with {@code $inc} would leave a hole whenever the process dies (or the insert fails) between the increment
 *       and the insert; here a failed insert claims nothing, so there is nothing to repair;</li>
 *   <li>no transaction: one single-document insert, which mongo-java-server and MongoDB both do atomically.</li>
 * </ul>
 * The cost is a retry per lost race, which only happens between concurrent senders in one conversation.
 *
 * <h2>Knowing the latest seq without searching</h2>
 * Each instance remembers per conversation the highest seq it knows to be stored
 * ({@link io.chatplatform.chat.message.SeqHints}) and tries the next one directly, and appends into one conversation
 * take turns within an instance ({@link io.chatplatform.chat.message.ConversationAppendQueue}), so a send is normally
 * one insert. The conversation document carries {@code lastSeq}, raised after every 16th seq is stored: a lower
 * bound of the latest seq, usually less than one probe below it. Since seqs are gap-free, the latest one is found by looking up the seqs just above that bound by key, and
 * history pages are windows of seqs looked up the same way ({@code $in} on the unique index): no read sorts or scans
 * the log, which matters doubly on the embedded server, whose only indexes are the unique ones. A hint is never above
 * the real latest seq, so it cannot cause a gap; when it is behind (another instance wrote), the unique index refuses
 * the insert and the send learns the taken seq.
 *
 * <h2>Idempotency</h2>
 * A second unique index {@code (senderId, clientMsgId)} makes a repeated send fail the insert as well; after any
 * duplicate-key error the send looks the pair up first, so a repeat (even a concurrent one) returns the first stored
 * message with {@code duplicate = true} and emits no second event.
 *
 * <h2>Outbox</h2>
 * The {@code message.created} event is built before the insert and stored in the same document
 * ({@code pendingEvents}, {@code outboxPending = true}), so the message and its event are written together or not at
 * all; {@link io.chatplatform.chat.outbox.OutboxRelay} publishes and clears them.
 */
package io.chatplatform.chat.message;
