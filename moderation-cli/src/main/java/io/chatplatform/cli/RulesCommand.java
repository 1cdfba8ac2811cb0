package io.chatplatform.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.chatplatform.contracts.common.PageRequest;
import io.chatplatform.contracts.moderation.CreateRuleRequest;
import io.chatplatform.contracts.moderation.DeleteRuleRequest;
import io.chatplatform.contracts.moderation.ListRulesRequest;
import io.chatplatform.contracts.moderation.ListRulesResponse;
import io.chatplatform.contracts.moderation.Rule;
import io.chatplatform.contracts.moderation.RuleAction;
import io.chatplatform.contracts.moderation.RuleKind;
import io.chatplatform.contracts.moderation.TestRulesRequest;
import io.chatplatform.contracts.moderation.TestRulesResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Rules: list, add, remove, and test a text against them. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Manage the moderation rules.",
        subcommands = {RulesCommand.ListRules.class, RulesCommand.Add.class, RulesCommand.Remove.class,
                RulesCommand.Test.class})
final class RulesCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ModerationCli.USAGE;
    }

    /** Rule kinds as typed on the command line. */
    enum Kind {
        keyword, regex, link, link_allowlist, flood, repeat, mentions;

        RuleKind proto() {
            return RuleKind.valueOf("RULE_KIND_" + name().toUpperCase(Locale.ROOT));
        }
    }

    /** Rule actions as typed on the command line. */
    enum Action {
        flag, hide, hide_and_warn, strike;

        RuleAction proto() {
            return RuleAction.valueOf("RULE_ACTION_" + name().toUpperCase(Locale.ROOT));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rules by name.")
    static final class ListRules implements Callable<Integer> {

        @ParentCommand
        RulesCommand rules;

        @Option(names = {"-a", "--all"}, description = "include disabled rules")
        boolean all;

        @Override
        public Integer call() {
            ModerationCli cli = rules.cli;
            ListRulesResponse response = cli.call(admin -> admin.listRules(ListRulesRequest.newBuilder()
                    .setIncludeDisabled(all)
                    .setPage(PageRequest.newBuilder().setLimit(200))
                    .build()));
            if (cli.json) {
                cli.out().println(Output.json(response));
                cli.out().flush();
                return ModerationCli.OK;
            }
            Output.table(cli.out(), List.of("RULE", "NAME", "KIND", "ACTION", "ENABLED", "WHERE", "PATTERN"),
                    response.getRulesList().stream().map(RulesCommand::row).toList());
            return ModerationCli.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a rule. Patterns by kind:",
                    "  keyword         comma-separated words or phrases (matched after normalization)",
                    "  regex           a Java regular expression",
                    "  link            comma-separated denied hosts; empty = any link",
                    "  link_allowlist  comma-separated allowed hosts; links elsewhere match",
                    "  flood, repeat   N or N/<window>, e.g. 5/10s: more than N messages (same text) per window",
                    "  mentions        N: more than N @mentions in one message"})
    static final class Add implements Callable<Integer> {

        @ParentCommand
        RulesCommand rules;

        @Option(names = "--name", required = true, description = "short unique name")
        String name;

        @Option(names = "--kind", required = true, description = "${COMPLETION-CANDIDATES}")
        Kind kind;

        @Option(names = "--pattern", defaultValue = "", description = "what to match (see above)")
        String pattern;

        @Option(names = "--action", required = true, description = "${COMPLETION-CANDIDATES}")
        Action action;

        @Option(names = "--conversation", defaultValue = "", description = "only in this conversation")
        String conversationId;

        @Option(names = "--strikes", defaultValue = "0",
                description = "with --action strike: strikes in the window that block the sender")
        int strikes;

        @Option(names = "--strike-window", converter = Durations.class, paramLabel = "DURATION",
                description = "with --action strike: the window strikes count in (default 1h)")
        Duration strikeWindow;

        @Option(names = "--block-for", converter = Durations.class, paramLabel = "DURATION",
                description = "with --action strike: block length; without it until unblocked")
        Duration blockFor;

        @Option(names = "--disabled", description = "store the rule without applying it yet")
        boolean disabled;

        @Override
        public Integer call() {
            ModerationCli cli = rules.cli;
            Rule rule = Rule.newBuilder()
                    .setName(name)
                    .setKind(kind.proto())
                    .setPattern(pattern)
                    .setAction(action.proto())
                    .setEnabled(!disabled)
                    .setConversationId(conversationId)
                    .setStrikeLimit(strikes)
                    .setStrikeWindowSeconds(strikeWindow == null ? 0 : strikeWindow.toSeconds())
                    .setBlockSeconds(blockFor == null ? 0 : blockFor.toSeconds())
                    .build();
            Rule stored = cli.call(admin -> admin.createRule(CreateRuleRequest.newBuilder().setRule(rule).build()))
                    .getRule();
            if (cli.json) {
                cli.out().println(Output.json(stored));
                cli.out().flush();
            } else {
                Output.table(cli.out(), List.of("RULE", "NAME", "KIND", "ACTION", "ENABLED", "WHERE", "PATTERN"),
                        List.of(row(stored)));
            }
            return ModerationCli.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a rule.")
    static final class Remove implements Callable<Integer> {

        @ParentCommand
        RulesCommand rules;

        @Parameters(index = "0", paramLabel = "RULE_ID", description = "the rule to remove")
        String ruleId;

        @Override
        public Integer call() {
            ModerationCli cli = rules.cli;
            cli.call(admin -> admin.deleteRule(DeleteRuleRequest.newBuilder().setRuleId(ruleId).build()));
            cli.out().println(cli.json ? "{\"removed\":\"" + ruleId + "\"}" : "Removed rule " + ruleId);
            cli.out().flush();
            return ModerationCli.OK;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Check a text against the rules without storing or counting anything "
                    + "(flood and repeat rules are not tried).")
    static final class Test implements Callable<Integer> {

        @ParentCommand
        RulesCommand rules;

        @Parameters(index = "0", paramLabel = "TEXT", description = "the text to check")
        String text;

        @Option(names = "--conversation", defaultValue = "", description = "apply this conversation's rules too")
        String conversationId;

        @Override
        public Integer call() {
            ModerationCli cli = rules.cli;
            TestRulesResponse response = cli.call(admin -> admin.testRules(TestRulesRequest.newBuilder()
                    .setText(text).setConversationId(conversationId).build()));
            if (cli.json) {
                cli.out().println(Output.json(response));
                cli.out().flush();
                return ModerationCli.OK;
            }
            cli.out().println("verdict:    " + Output.name(response.getVerdict(), "VERDICT_"));
            cli.out().println("normalized: " + response.getNormalizedText());
            Output.table(cli.out(), List.of("RULE", "CODE", "DETAIL"), response.getReasonsList().stream()
                    .map(reason -> List.of(reason.getRuleId(), reason.getCode(), reason.getDetail()))
                    .toList());
            return ModerationCli.OK;
        }
    }

    static List<String> row(Rule rule) {
        return List.of(rule.getRuleId(), rule.getName(), Output.name(rule.getKind(), "RULE_KIND_").toLowerCase(
                        Locale.ROOT), Output.name(rule.getAction(), "RULE_ACTION_").toLowerCase(Locale.ROOT)
                        + (rule.getAction() == RuleAction.RULE_ACTION_STRIKE ? " x" + rule.getStrikeLimit() : ""),
                String.valueOf(rule.getEnabled()),
                rule.getConversationId().isEmpty() ? "everywhere" : rule.getConversationId(), rule.getPattern());
    }
}
