package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SentSeqsTest {

    @Test
    void aSeqIsNewOnceInOrderOrNot() {
        SentSeqs sent = new SentSeqs();

        assertThat(sent.add(3)).isTrue();
        assertThat(sent.add(3)).isFalse();
        assertThat(sent.add(1)).as("below the highest, inside the window").isTrue();
        assertThat(sent.add(2)).isTrue();
        assertThat(sent.add(1)).isFalse();
        assertThat(sent.add(4)).isTrue();
        assertThat(sent.add(2)).isFalse();
    }

    @Test
    void aSeqThatLeftTheWindowCountsAsNotSentAndItsSlotServesTheSeqThatEntered() {
        SentSeqs sent = new SentSeqs();
        sent.add(1);
        sent.add(2);

        assertThat(sent.add(1 + SentSeqs.SPAN)).as("same slot as 1").isTrue();
        assertThat(sent.add(1)).as("left the window: sent again rather than risk a gap").isTrue();
        assertThat(sent.add(2)).as("still inside: highest - SPAN < 2").isFalse();
        assertThat(sent.add(2 + SentSeqs.SPAN)).as("the slot of 2, cleared as 2 left").isTrue();
        assertThat(sent.add(10 * SentSeqs.SPAN)).as("a jump past the whole window").isTrue();
        assertThat(sent.add(2 + SentSeqs.SPAN)).as("left the window with the jump").isTrue();
        assertThat(sent.add(10 * SentSeqs.SPAN - 1)).isTrue();
        assertThat(sent.add(10 * SentSeqs.SPAN - 1)).isFalse();
    }

    @Test
    void agreesWithTheSetOfEverySeqSentInsideTheWindow() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            SentSeqs sent = new SentSeqs();
            Set<Long> model = new HashSet<>();
            long highest = 0;
            long cursor = 1;
            for (int step = 0; step < 20_000; step++) {
                // Mostly the next seqs, sometimes repeats and stragglers from behind, sometimes jumps ahead.
                long seq = switch (random.nextInt(10)) {
                    case 0 -> Math.max(1, cursor - random.nextInt(2 * SentSeqs.SPAN));
                    case 1 -> cursor + random.nextInt(3 * SentSeqs.SPAN);
                    case 2, 3 -> Math.max(1, cursor - random.nextInt(8));
                    default -> cursor++;
                };
                cursor = Math.max(cursor, seq);
                boolean inWindow = seq > Math.max(highest, seq) - SentSeqs.SPAN;
                boolean expected = !(inWindow && model.contains(seq));
                assertThat(sent.add(seq)).as("round %d step %d seq %d highest %d", round, step, seq, highest)
                        .isEqualTo(expected);
                model.add(seq);
                highest = Math.max(highest, seq);
            }
        }
    }
}
