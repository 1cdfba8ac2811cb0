package io.chatplatform.moderation.admin;

import com.google.protobuf.FieldMask;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.moderation.Rule;
import io.chatplatform.moderation.audit.AuditLog;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.moderation.rules.CompiledRule;
import io.chatplatform.moderation.rules.RuleAction;
import io.chatplatform.moderation.rules.RuleKind;
import io.chatplatform.moderation.rules.RuleSet;
import io.chatplatform.moderation.rules.RuleStore;
import io.chatplatform.moderation.rules.StoredRule;
import io.chatplatform.support.problem.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Rules create, update, delete and list for moderators: validated (a pattern that does not fit its kind, such as a
 * bad regular expression, is refused with the reason), audited, and applied at once on this instance (the others
 * reload within {@code chat.moderation.rules-refresh}).
 */
@Component
class RuleAdmin {

    private static final int MAX_NAME = 100;
    private static final int MAX_PATTERN = 4000;
    private static final Set<String> WRITABLE = Set.of("name", "kind", "pattern", "action", "enabled",
            "conversation_id", "strike_limit", "strike_window_seconds", "block_seconds");

    private final RuleStore store;
    private final RuleSet rules;
    private final AuditLog audit;
    private final Clock clock;

    RuleAdmin(RuleStore store, RuleSet rules, AuditLog audit, Optional<Clock> clock) {
        this.store = store;
        this.rules = rules;
        this.audit = audit;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    Mono<Rule> create(Rule rule, Moderator moderator) {
        return Mono.fromCallable(() -> validated(new StoredRule(ModerationEvents.newId(), rule.getName().strip(),
                        kind(rule), rule.getPattern(), action(rule), rule.getEnabled(), rule.getConversationId(),
                        rule.getStrikeLimit(), rule.getStrikeWindowSeconds(), rule.getBlockSeconds(), 1, now(), now(),
                        moderator.userId())))
                .flatMap(store::insert)
                .onErrorMap(DuplicateKeyException.class, duplicate -> nameTaken(rule.getName()))
                .flatMap(stored -> changed(stored, "RULE_CREATED", moderator));
    }

    Mono<Rule> update(Rule rule, FieldMask mask, Moderator moderator) {
        for (String path : mask.getPathsList()) {
            if (!WRITABLE.contains(path)) {
                return Mono.error(new ApiException(HttpStatus.BAD_REQUEST,
                        "update_mask path \"" + path + "\" is not a writable rule field; writable: " + WRITABLE));
            }
        }
        return store.find(rule.getRuleId())
                .switchIfEmpty(Mono.error(() -> notFound(rule.getRuleId())))
                .map(current -> validated(merge(current, rule, mask.getPathsCount() == 0
                        ? WRITABLE : Set.copyOf(mask.getPathsList()))))
                .flatMap(updated -> store.replace(updated, rule.getVersion())
                        .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.PRECONDITION_FAILED,
                                "rule " + rule.getRuleId() + " changed since version " + rule.getVersion()
                                        + ": list it again and retry with the current version"))))
                .onErrorMap(DuplicateKeyException.class, duplicate -> nameTaken(rule.getName()))
                .flatMap(stored -> changed(stored, "RULE_UPDATED", moderator));
    }

    Mono<Void> delete(String ruleId, Moderator moderator) {
        return store.find(ruleId)
                .switchIfEmpty(Mono.error(() -> notFound(ruleId)))
                .flatMap(rule -> store.delete(ruleId)
                        .then(rules.reload())
                        .then(audit.append(ModerationEvents.newId(), moderator.actor(), "RULE_DELETED", "", ruleId,
                                "", Map.of("name", rule.name()))))
                .then();
    }

    Mono<List<Rule>> page(boolean includeDisabled, int skip, int limit) {
        return store.page(includeDisabled, skip, limit)
                .map(stored -> stored.stream().map(RuleAdmin::toProto).toList());
    }

    private Mono<Rule> changed(StoredRule stored, String action, Moderator moderator) {
        return rules.reload()
                .then(audit.append(ModerationEvents.newId(), moderator.actor(), action, "", stored.id(), "",
                        Map.of("name", stored.name(), "kind", stored.kind().name(), "pattern", stored.pattern(),
                                "action", stored.action().name(), "enabled", String.valueOf(stored.enabled()))))
                .thenReturn(toProto(stored));
    }

    private StoredRule merge(StoredRule current, Rule change, Set<String> paths) {
        return new StoredRule(current.id(),
                paths.contains("name") ? change.getName().strip() : current.name(),
                paths.contains("kind") ? kind(change) : current.kind(),
                paths.contains("pattern") ? change.getPattern() : current.pattern(),
                paths.contains("action") ? action(change) : current.action(),
                paths.contains("enabled") ? change.getEnabled() : current.enabled(),
                paths.contains("conversation_id") ? change.getConversationId() : current.conversationId(),
                paths.contains("strike_limit") ? change.getStrikeLimit() : current.strikeLimit(),
                paths.contains("strike_window_seconds") ? change.getStrikeWindowSeconds()
                        : current.strikeWindowSeconds(),
                paths.contains("block_seconds") ? change.getBlockSeconds() : current.blockSeconds(),
                current.version() + 1, current.createdAt(), now(), current.createdBy());
    }

    /** Every check a rule must pass before it is stored; the message says what to fix. */
    static StoredRule validated(StoredRule rule) {
        if (rule.name().isBlank() || rule.name().length() > MAX_NAME) {
            throw invalid("name is required, at most " + MAX_NAME + " characters");
        }
        if (rule.pattern() == null || rule.pattern().length() > MAX_PATTERN) {
            throw invalid("pattern must be at most " + MAX_PATTERN + " characters");
        }
        if (rule.action() == RuleAction.STRIKE && rule.strikeLimit() < 1) {
            throw invalid("strike_limit must be at least 1 for the STRIKE action");
        }
        if (rule.strikeLimit() < 0 || rule.strikeWindowSeconds() < 0 || rule.blockSeconds() < 0) {
            throw invalid("strike_limit, strike_window_seconds and block_seconds must not be negative");
        }
        try {
            CompiledRule.compile(rule);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        return rule;
    }

    static RuleKind kind(Rule rule) {
        return switch (rule.getKind()) {
            case RULE_KIND_KEYWORD -> RuleKind.KEYWORD;
            case RULE_KIND_REGEX -> RuleKind.REGEX;
            case RULE_KIND_LINK -> RuleKind.LINK;
            case RULE_KIND_LINK_ALLOWLIST -> RuleKind.LINK_ALLOWLIST;
            case RULE_KIND_FLOOD -> RuleKind.FLOOD;
            case RULE_KIND_REPEAT -> RuleKind.REPEAT;
            case RULE_KIND_MENTIONS -> RuleKind.MENTIONS;
            default -> throw invalid("kind is required: KEYWORD, REGEX, LINK, LINK_ALLOWLIST, FLOOD, REPEAT or "
                    + "MENTIONS");
        };
    }

    static RuleAction action(Rule rule) {
        return switch (rule.getAction()) {
            case RULE_ACTION_FLAG -> RuleAction.FLAG;
            case RULE_ACTION_HIDE -> RuleAction.HIDE;
            case RULE_ACTION_HIDE_AND_WARN -> RuleAction.HIDE_AND_WARN;
            case RULE_ACTION_STRIKE -> RuleAction.STRIKE;
            default -> throw invalid("action is required: FLAG, HIDE, HIDE_AND_WARN or STRIKE");
        };
    }

    static Rule toProto(StoredRule rule) {
        return Rule.newBuilder()
                .setRuleId(rule.id())
                .setName(rule.name())
                .setKind(io.chatplatform.contracts.moderation.RuleKind.valueOf("RULE_KIND_" + rule.kind().name()))
                .setPattern(rule.pattern())
                .setAction(io.chatplatform.contracts.moderation.RuleAction.valueOf(
                        "RULE_ACTION_" + rule.action().name()))
                .setEnabled(rule.enabled())
                .setConversationId(rule.conversationId() == null ? "" : rule.conversationId())
                .setStrikeLimit(rule.strikeLimit())
                .setStrikeWindowSeconds(rule.strikeWindowSeconds())
                .setBlockSeconds(rule.blockSeconds())
                .setVersion(rule.version())
                .setCreatedAt(ModerationEvents.timestamp(rule.createdAt()))
                .setUpdatedAt(ModerationEvents.timestamp(rule.updatedAt()))
                .setCreatedBy(Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_MODERATOR)
                        .setUserId(rule.createdBy() == null ? "" : rule.createdBy()))
                .build();
    }

    private static ApiException invalid(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }

    private static ApiException notFound(String ruleId) {
        return new ApiException(HttpStatus.NOT_FOUND, "no rule " + ruleId);
    }

    private static ApiException nameTaken(String name) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "a rule named \"" + name.strip() + "\" exists");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
