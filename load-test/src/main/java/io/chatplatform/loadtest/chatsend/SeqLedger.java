package io.chatplatform.loadtest.chatsend;

import java.util.BitSet;

/**
 * Every seq chat-service acknowledged, per room, to check afterwards that what was stored is gap-free: seqs
 * {@code 1..latestSeq} each acknowledged exactly once, and nothing stored that was not acknowledged.
 *
 * <p>Thread-safe: acknowledgements arrive on gRPC threads.
 */
final class SeqLedger {

    private final Room[] rooms;

    SeqLedger(int roomCount) {
        rooms = new Room[roomCount];
        for (int i = 0; i < roomCount; i++) {
            rooms[i] = new Room();
        }
    }

    /** A stored send: its seq, and whether chat-service called it a repeat of an earlier send. */
    void acknowledged(int room, long seq, boolean duplicate) {
        rooms[room].acknowledged(seq, duplicate);
    }

    /** A send that failed; it may or may not have been stored (a deadline can expire after the store). */
    void failed(int room) {
        rooms[room].failed();
    }

    long acknowledged(int room) {
        return rooms[room].snapshot().acknowledged();
    }

    long acknowledgedTotal() {
        long total = 0;
        for (Room room : rooms) {
            total += room.snapshot().acknowledged();
        }
        return total;
    }

    /** Compares the room's acknowledgements with the latest seq chat-service reports for it. */
    Check check(int room, long latestSeq) {
        return rooms[room].snapshot().check(latestSeq);
    }

    /** The outcome of one room's check. */
    enum Verdict {
        /** Seqs 1..latest were each acknowledged exactly once. */
        GAP_FREE,
        /** Consistent so far, but failed sends may have been stored: only reading the history can tell. */
        NEEDS_HISTORY,
        /** A seq was acknowledged twice, or the latest seq does not fit the acknowledgements. */
        VIOLATED
    }

    /** One room's check, with a reason when it is not {@link Verdict#GAP_FREE}. */
    record Check(Verdict verdict, String reason) {
    }

    private static final class Room {
        private final BitSet seqs = new BitSet();
        private long acknowledged;
        private long seqsAckedTwice;
        private long repeats;
        private long failed;

        synchronized void acknowledged(long seq, boolean duplicate) {
            if (duplicate) {
                // Sends use fresh clientMsgIds, so chat-service should never answer with an earlier message.
                repeats++;
                return;
            }
            if (seq < 1 || seq > Integer.MAX_VALUE) {
                seqsAckedTwice++;
                return;
            }
            if (seqs.get((int) seq)) {
                seqsAckedTwice++;
            } else {
                seqs.set((int) seq);
            }
            acknowledged++;
        }

        synchronized void failed() {
            failed++;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot((BitSet) seqs.clone(), acknowledged, seqsAckedTwice, repeats, failed);
        }
    }

    private record Snapshot(BitSet seqs, long acknowledged, long seqsAckedTwice, long repeats, long failed) {

        Check check(long latestSeq) {
            if (seqsAckedTwice > 0) {
                return new Check(Verdict.VIOLATED, seqsAckedTwice + " seqs acknowledged to two different sends");
            }
            if (repeats > 0) {
                return new Check(Verdict.VIOLATED, repeats + " new sends answered as repeats of earlier ones");
            }
            int highestAcked = seqs.length() - 1;
            if (highestAcked > latestSeq) {
                return new Check(Verdict.VIOLATED,
                        "seq " + highestAcked + " was acknowledged but the latest stored seq is " + latestSeq);
            }
            if (failed == 0) {
                if (latestSeq != acknowledged) {
                    return new Check(Verdict.VIOLATED, "latest seq " + latestSeq + " but " + acknowledged
                            + " sends acknowledged and none failed");
                }
                // acknowledged distinct seqs, all in 1..latestSeq, and latestSeq == acknowledged: exactly 1..latest.
                return new Check(Verdict.GAP_FREE, "");
            }
            if (latestSeq > acknowledged + failed) {
                return new Check(Verdict.VIOLATED, "latest seq " + latestSeq + " exceeds " + acknowledged
                        + " acknowledged plus " + failed + " failed sends");
            }
            return new Check(Verdict.NEEDS_HISTORY, failed + " failed sends may have been stored");
        }
    }
}
