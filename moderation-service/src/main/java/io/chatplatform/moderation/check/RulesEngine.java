package io.chatplatform.moderation.check;

import io.chatplatform.moderation.rules.CompiledRule;
import io.chatplatform.moderation.rules.Normalizer;
import io.chatplatform.moderation.rules.RuleKind;
import io.chatplatform.moderation.rules.RuleSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies the active rules to a message: text rules in memory, flood and repeat rules through {@link RateCounters}.
 * Deciding what to do about the matches is {@link Verdicts}' job.
 */
@Component
public class RulesEngine {

    private final RuleSet rules;
    private final RateCounters counters;

    RulesEngine(RuleSet rules, RateCounters counters) {
        this.rules = rules;
        this.counters = counters;
    }

    /**
     * The rules the message matches. Rate rules count the message only when it is stored and {@code count} is set;
     * otherwise (a dry run, a text not stored yet) they are not tried.
     */
    public Mono<Evaluation> evaluate(Candidate candidate, boolean count) {
        List<String> words = Normalizer.words(candidate.text());
        return rules.current()
                .flatMapMany(Flux::fromIterable)
                .filter(rule -> rule.rule().appliesTo(candidate.conversation().getId()))
                .concatMap(rule -> match(rule, candidate, words, count && candidate.isStored()))
                .collectList()
                .map(matches -> new Evaluation(matches, String.join(" ", words)));
    }

    private Mono<Evaluation.Match> match(CompiledRule rule, Candidate candidate, List<String> words, boolean count) {
        if (!rule.rule().kind().isRate()) {
            return Mono.justOrEmpty(rule.match(candidate.text(), words))
                    .map(detail -> new Evaluation.Match(rule.rule(), detail));
        }
        if (!count) {
            return Mono.empty();
        }
        String key = rule.rule().id() + ":" + candidate.senderUserId();
        if (rule.rule().kind() == RuleKind.REPEAT) {
            // The normalized text, so "spam", "SPAM" and "sp4m" are one text repeated.
            key += ":" + UUID.nameUUIDFromBytes(String.join(" ", words).getBytes(StandardCharsets.UTF_8));
        }
        return counters.count(key, candidate.messageId(), candidate.sentAt(), rule.rate())
                .filter(seen -> seen > rule.rate().limit())
                .map(seen -> new Evaluation.Match(rule.rule(), seen + " messages in "
                        + rule.rate().window().toSeconds() + "s, more than " + rule.rate().limit()));
    }
}
