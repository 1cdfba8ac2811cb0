package io.chatplatform.chat.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.user.Mentions.Mention;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MentionsTest {

    @Test
    void findsDistinctNamesLowercasedInOrderOfFirstAppearance() {
        assertThat(Mentions.find("@Bob hi, @alice and @BOB: see @carol_1"))
                .extracting(Mention::name)
                .containsExactly("bob", "alice", "carol_1");
    }

    @Test
    void emailAddressesAreNoMentions() {
        assertThat(Mentions.find("write to bob@example.org or x.y@host.io")).isEmpty();
    }

    @Test
    void mentionMayFollowPunctuationOrStartTheText() {
        assertThat(Mentions.find("(@ann) \"@ben\" @cid,@dan"))
                .extracting(Mention::name)
                .containsExactly("ann", "ben", "cid", "dan");
    }

    @Test
    void aTrailingDotOrDashAlsoReadsAsEndOfSentence() {
        assertThat(Mentions.find("thanks @alice. and @bob- ok"))
                .containsExactly(new Mention("alice.", "alice"), new Mention("bob-", "bob"));
        // Too long with the dots, a valid name without them.
        assertThat(Mentions.find("@dave" + ".".repeat(40)))
                .containsExactly(new Mention(null, "dave"));
    }

    @Test
    void runsThatAreNoValidUsernameAreSkipped() {
        assertThat(Mentions.find("@ab @" + "x".repeat(33) + " @ @!! @a.")).isEmpty();
        assertThat(Mentions.find("@" + "x".repeat(32)))
                .extracting(Mention::name)
                .containsExactly("x".repeat(32));
    }

    @Test
    void atMostFiftyNames() {
        String text = IntStream.range(0, 60)
                .mapToObj(i -> "@user" + i)
                .collect(Collectors.joining(" "));

        List<Mention> mentions = Mentions.find(text);

        assertThat(mentions).hasSize(Mentions.MAX_MENTIONS);
        assertThat(mentions.get(49).name()).isEqualTo("user49");
    }

    @Test
    void noTextNoMentions() {
        assertThat(Mentions.find(null)).isEmpty();
        assertThat(Mentions.find("")).isEmpty();
        assertThat(Mentions.find("no mentions here")).isEmpty();
    }

    @Test
    void candidatesAreBothReadings() {
        assertThat(Mentions.candidates(Mentions.find("@alice. @bob")))
                .containsExactly("alice.", "alice", "bob");
    }
}
