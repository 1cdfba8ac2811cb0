package io.chatplatform.moderation.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompiledRuleTest {

    private static CompiledRule rule(RuleKind kind, String pattern) {
        return CompiledRule.compile(new StoredRule("r1", "test", kind, pattern, RuleAction.HIDE, true, "", 0, 0, 0, 1,
                Instant.EPOCH, Instant.EPOCH, "mod"));
    }

    private static Optional<String> match(CompiledRule rule, String text) {
        return rule.match(text, Normalizer.words(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"you are a SP4MMER", "sp@mmer!", "S.P.A.M.M.E.R", "what a spämmer", "buy now please",
            "you are a s p a m m e r", "spam mer", "BUYNOW", "b\u200Buy n0w", "a s.p.a.m.m.e.r"})
    void keywordsMatchDisguisedWordsAndPhrases(String text) {
        assertThat(match(rule(RuleKind.KEYWORD, "spammer, buy now"), text)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spammers are fine", "antispammer", "buy later, now", "nothing here", "a spa mmers"})
    void keywordsMatchWholeWordsOnly(String text) {
        assertThat(match(rule(RuleKind.KEYWORD, "spammer, buy now"), text)).isEmpty();
    }

    @Test
    void regexMatchesTheTextAsSentOrNormalized() {
        CompiledRule digits = rule(RuleKind.REGEX, "\\b\\d{4}-\\d{4}\\b");
        assertThat(match(digits, "card 1234-5678 please")).isPresent();
        assertThat(match(digits, "no card")).isEmpty();
        assertThat(match(rule(RuleKind.REGEX, "free\\s+money"), "FR33 M0NEY")).isPresent();
    }

    @Test
    void aBacktrackingRegexGivesUpInsteadOfHanging() {
        CompiledRule evil = rule(RuleKind.REGEX, "(a+)+b");
        long started = System.nanoTime();
        assertThat(match(evil, "a".repeat(40) + "!")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aBadRegexIsRefusedWithTheReason() {
        assertThatThrownBy(() -> rule(RuleKind.REGEX, "(unclosed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid regular expression")
                .hasMessageContaining("near index");
    }

    @Test
    void deniedHostsMatchLinksToThemAndTheirSubdomains() {
        CompiledRule denied = rule(RuleKind.LINK, "evil.example, spam.test");
        assertThat(match(denied, "see https://www.evil.example/path?x=1")).contains("link to www.evil.example");
        assertThat(match(denied, "go to spam.test now")).isPresent();
        assertThat(match(denied, "see https://good.example/")).isEmpty();
        assertThat(match(denied, "notevil.example")).isEmpty();
        assertThat(match(rule(RuleKind.LINK, ""), "any http://x.org link")).isPresent();
    }

    @Test
    void anAllowListMatchesLinksToEveryOtherHost() {
        CompiledRule allowed = rule(RuleKind.LINK_ALLOWLIST, "example.org");
        assertThat(match(allowed, "docs at https://docs.example.org/a")).isEmpty();
        assertThat(match(allowed, "look at other.net")).contains("link to other.net, not an allowed host");
        assertThat(match(allowed, "no links, e.g. here.")).isEmpty();
    }

    @Test
    void mentionsOverTheLimitMatch() {
        CompiledRule mentions = rule(RuleKind.MENTIONS, "3");
        assertThat(match(mentions, "@a @b @c hi")).isEmpty();
        assertThat(match(mentions, "@a @b @c @d hi")).isPresent();
        assertThat(match(mentions, "mail me: me@example.org")).isEmpty();
    }

    @Test
    void ratePatternsParseWithClearErrors() {
        assertThat(RatePattern.parse("5")).isEqualTo(new RatePattern(5, Duration.ofMinutes(1)));
        assertThat(RatePattern.parse("5/10s")).isEqualTo(new RatePattern(5, Duration.ofSeconds(10)));
        assertThat(RatePattern.parse("3/2h")).isEqualTo(new RatePattern(3, Duration.ofHours(2)));
        assertThatThrownBy(() -> RatePattern.parse("five")).hasMessageContaining("\"N/<window>\"");
        assertThatThrownBy(() -> RatePattern.parse("0/10s")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> RatePattern.parse("5/48h")).hasMessageContaining("between 1s and 24h");
    }

    @Test
    void patternsThatDoNotFitTheirKindAreRefused() {
        assertThatThrownBy(() -> rule(RuleKind.KEYWORD, " , ")).hasMessageContaining("at least one word");
        assertThatThrownBy(() -> rule(RuleKind.LINK, "not a host")).hasMessageContaining("not a host name");
        assertThatThrownBy(() -> rule(RuleKind.LINK_ALLOWLIST, "")).hasMessageContaining("allowed hosts");
        assertThatThrownBy(() -> rule(RuleKind.MENTIONS, "-1")).hasMessageContaining("whole number");
    }
}
