package io.chatplatform.loadtest.chatsend;

import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HistoryRequest;
import io.chatplatform.contracts.chat.HistoryResponse;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * After the load: asks chat-service (History) for each room's latest seq and compares it with what was acknowledged;
 * rooms with failed sends, which may or may not have been stored, are read back page by page instead.
 */
final class PersistenceCheck {

    private static final int PAGE = 200;

    private final ChatServiceGrpc.ChatServiceBlockingStub chat;
    private final Workload workload;
    private final SeqLedger ledger;

    PersistenceCheck(ManagedChannel channel, Workload workload, SeqLedger ledger) {
        this.chat = ChatServiceGrpc.newBlockingStub(channel);
        this.workload = workload;
        this.ledger = ledger;
    }

    /** What the check found over all rooms. */
    record Outcome(int rooms, int gapFree, long acknowledged, long stored, List<String> problems) {

        boolean passed() {
            return problems.isEmpty() && gapFree == rooms;
        }

        String describe() {
            String summary = String.format("persistence: %,d of %,d rooms gap-free; %,d sends acknowledged, %,d stored "
                    + "(sum of latest seqs)", gapFree, rooms, acknowledged, stored);
            return problems.isEmpty() ? summary : summary + "\n  " + String.join("\n  ", problems);
        }
    }

    Outcome run() {
        int gapFree = 0;
        long stored = 0;
        List<String> problems = new ArrayList<>();
        for (int room = 0; room < workload.roomIds().size(); room++) {
            String roomId = workload.roomIds().get(room);
            long latest = history(roomId, 0, 1).getLatestSeq();
            stored += latest;
            SeqLedger.Check check = ledger.check(room, latest);
            if (check.verdict() == SeqLedger.Verdict.NEEDS_HISTORY) {
                check = readBack(roomId, latest, check);
            }
            if (check.verdict() == SeqLedger.Verdict.GAP_FREE) {
                gapFree++;
            } else {
                problems.add("room " + roomId + ": " + check.reason());
            }
        }
        return new Outcome(workload.roomIds().size(), gapFree, ledger.acknowledgedTotal(), stored, problems);
    }

    /**
     * Pages the room's history backwards from {@code latest} and checks that it holds exactly seqs latest..1 (starting
     * below latest + 1, so a send the service was still finishing cannot shift the pages).
     */
    private SeqLedger.Check readBack(String roomId, long latest, SeqLedger.Check why) {
        long expected = latest;
        long before = latest + 1;
        while (true) {
            HistoryResponse page = history(roomId, before, PAGE);
            List<ChatMessage> messages = page.getMessagesList();
            for (int i = messages.size() - 1; i >= 0; i--) {
                long seq = messages.get(i).getSeq();
                if (seq != expected) {
                    return new SeqLedger.Check(SeqLedger.Verdict.VIOLATED,
                            "history has seq " + seq + " where " + expected + " was expected (" + why.reason() + ")");
                }
                expected--;
            }
            if (!page.getHasMore() || messages.isEmpty()) {
                break;
            }
            before = messages.get(0).getSeq();
        }
        return expected == 0
                ? new SeqLedger.Check(SeqLedger.Verdict.GAP_FREE, "")
                : new SeqLedger.Check(SeqLedger.Verdict.VIOLATED, "history ends at seq " + (expected + 1));
    }

    private HistoryResponse history(String roomId, long beforeSeq, int limit) {
        return chat.withDeadlineAfter(60, TimeUnit.SECONDS)
                .history(HistoryRequest.newBuilder()
                        .setConversation(ConversationRef.newBuilder()
                                .setId(roomId)
                                .setKind(ConversationKind.CONVERSATION_KIND_ROOM))
                        .setViewerUserId(workload.ownerId())
                        .setBeforeSeq(beforeSeq)
                        .setLimit(limit)
                        .build());
    }
}
