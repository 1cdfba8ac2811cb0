package io.chatplatform.websocket.connection;

/**
 * Which log seqs of one conversation a connection was sent, among the newest {@value #SPAN} seqs: one bit per seq in a
 * window that slides up with the highest seq sent. It takes 512 bytes however busy the conversation, where a set of
 * boxed seqs grew to about 230 KB for each busy conversation of each connection. A seq below the window is not
 * remembered and counts as not sent: a resume reaching that far back sends it again, and the client keeps entries by
 * seq, so it is a repeat the client can drop, never a gap.
 */
final class SentSeqs {

    /** Seqs remembered below and including the highest; a multiple of 64. */
    static final int SPAN = 4096;

    private final long[] bits = new long[SPAN / Long.SIZE];
    /** The highest seq recorded; 0 before the first (seqs start at 1). */
    private long highest;

    /** Records {@code seq} (positive) as sent; false if it already was. */
    boolean add(long seq) {
        if (seq > highest) {
            slideTo(seq);
            set(seq);
            return true;
        }
        if (seq <= highest - SPAN) {
            return true;
        }
        if (isSet(seq)) {
            return false;
        }
        set(seq);
        return true;
    }

    /** Makes {@code top} the highest: the slots of the seqs that leave the window are cleared for the ones that enter. */
    private void slideTo(long top) {
        if (top - highest >= SPAN) {
            java.util.Arrays.fill(bits, 0L);
        } else {
            for (long seq = highest + 1; seq <= top; seq++) {
                bits[slot(seq)] &= ~mask(seq);
            }
        }
        highest = top;
    }

    private boolean isSet(long seq) {
        return (bits[slot(seq)] & mask(seq)) != 0;
    }

    private void set(long seq) {
        bits[slot(seq)] |= mask(seq);
    }

    private static int slot(long seq) {
        return (int) ((seq % SPAN) >>> 6);
    }

    private static long mask(long seq) {
        return 1L << (seq & 63);
    }
}
