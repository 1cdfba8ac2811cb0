package io.chatplatform.moderation.check;

import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.contracts.moderation.VerdictReason;
import io.chatplatform.moderation.rules.RuleAction;
import io.chatplatform.moderation.rules.StoredRule;
import java.util.List;
import java.util.Locale;

/**
 * The rules a message matched.
 *
 * @param matches    one per matching rule, in rule order
 * @param normalized the text as keyword rules saw it
 */
public record Evaluation(List<Match> matches, String normalized) {

    /** HIDE if any matching rule hides, HOLD (review) if only flag rules match, ALLOW when nothing matched. */
    public Verdict verdict() {
        if (matches.stream().anyMatch(match -> match.rule().action().hides())) {
            return Verdict.VERDICT_HIDE;
        }
        return matches.isEmpty() ? Verdict.VERDICT_ALLOW : Verdict.VERDICT_HOLD;
    }

    public boolean warns() {
        return matches.stream().anyMatch(match -> match.rule().action() == RuleAction.HIDE_AND_WARN);
    }

    public List<Match> strikes() {
        return matches.stream().filter(match -> match.rule().action() == RuleAction.STRIKE).toList();
    }

    public List<VerdictReason> reasons() {
        return matches.stream().map(Match::reason).toList();
    }

    /** The reasons as one line for people, e.g. {@code keyword "bad word" (rule banned-words)}. */
    public String summary() {
        return String.join("; ", matches.stream().map(Match::summary).toList());
    }

    /** One matching rule and what in the text matched it. */
    public record Match(StoredRule rule, String detail) {

        VerdictReason reason() {
            return VerdictReason.newBuilder()
                    .setRuleId(rule.id())
                    .setCode(rule.kind().name().toLowerCase(Locale.ROOT))
                    .setDetail(summary())
                    .build();
        }

        String summary() {
            return rule.kind().name().toLowerCase(Locale.ROOT) + " " + detail + " (rule " + rule.name() + ")";
        }
    }
}
