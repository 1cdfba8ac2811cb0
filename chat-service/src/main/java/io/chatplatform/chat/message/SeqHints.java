package io.chatplatform.chat.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per conversation, the highest seq this instance knows to be stored: learned from its own inserts and from inserts
 * the unique index refused because the seq was taken. A send tries the seq after it first, instead of reading the
 * index before every insert.
 *
 * <p>Only ever a hint: a value is recorded only once that seq is known to be stored, so it is never above the
 * conversation's real latest seq, and "hint + 1" can never skip a seq (the unique index still decides who gets it).
 * When it lags behind (another instance wrote meanwhile) the insert is refused and the send learns or re-reads.
 * Bounded, least recently used first out; a forgotten conversation just reads the index again.
 */
final class SeqHints {

    private static final int MAX_CONVERSATIONS = 100_000;

    private final Map<String, Long> latest = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > MAX_CONVERSATIONS;
                }
            });

    /** The highest seq known to be stored, or null when this instance knows nothing about the conversation. */
    Long latest(String conversationId) {
        return latest.get(conversationId);
    }

    /** Records that {@code seq} is stored in the conversation. */
    void stored(String conversationId, long seq) {
        latest.merge(conversationId, seq, Math::max);
    }

    /** Drops the hint, so the next send reads the index. */
    void forget(String conversationId) {
        latest.remove(conversationId);
    }
}
