package io.chatplatform.loadtest.chatsend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqLedgerTest {

    private final SeqLedger ledger = new SeqLedger(2);

    @Test
    void everySeqUpToTheLatestAcknowledgedOnceIsGapFree() {
        ledger.acknowledged(0, 2, false);
        ledger.acknowledged(0, 1, false);
        ledger.acknowledged(0, 3, false);

        assertThat(ledger.check(0, 3).verdict()).isEqualTo(SeqLedger.Verdict.GAP_FREE);
        assertThat(ledger.check(1, 0).verdict()).isEqualTo(SeqLedger.Verdict.GAP_FREE);
        assertThat(ledger.acknowledgedTotal()).isEqualTo(3);
    }

    @Test
    void aStoredSeqThatNobodyWasToldAboutIsAViolation() {
        ledger.acknowledged(0, 1, false);
        ledger.acknowledged(0, 2, false);

        SeqLedger.Check check = ledger.check(0, 3);

        assertThat(check.verdict()).isEqualTo(SeqLedger.Verdict.VIOLATED);
        assertThat(check.reason()).contains("latest seq 3 but 2 sends acknowledged");
    }

    @Test
    void oneSeqForTwoSendsIsAViolation() {
        ledger.acknowledged(0, 1, false);
        ledger.acknowledged(0, 1, false);

        assertThat(ledger.check(0, 2).verdict()).isEqualTo(SeqLedger.Verdict.VIOLATED);
    }

    @Test
    void aSeqAboveTheLatestIsAViolation() {
        ledger.acknowledged(0, 1, false);
        ledger.acknowledged(0, 5, false);
        ledger.failed(0);

        assertThat(ledger.check(0, 2).reason()).contains("seq 5 was acknowledged but the latest stored seq is 2");
    }

    @Test
    void aNewSendAnsweredAsARepeatIsAViolation() {
        ledger.acknowledged(0, 1, false);
        ledger.acknowledged(0, 1, true);

        assertThat(ledger.check(0, 1).verdict()).isEqualTo(SeqLedger.Verdict.VIOLATED);
    }

    @Test
    void failedSendsThatMayHaveBeenStoredNeedTheHistory() {
        ledger.acknowledged(0, 1, false);
        ledger.acknowledged(0, 3, false);
        ledger.failed(0);

        assertThat(ledger.check(0, 3).verdict()).isEqualTo(SeqLedger.Verdict.NEEDS_HISTORY);
        assertThat(ledger.check(0, 5).verdict()).isEqualTo(SeqLedger.Verdict.VIOLATED);
    }
}
