package io.chatplatform.moderation.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A rule ready to match: its pattern parsed once when the rules are loaded, not for every message.
 * {@link #compile} is also the validation: whatever it refuses is refused when a moderator saves the rule.
 */
public final class CompiledRule {

    /** Regular expressions stop after this many character reads, so a catastrophic pattern cannot stall a check. */
    static final int REGEX_STEP_BUDGET = 200_000;
    private static final Pattern LINK = Pattern.compile(
            "(?i)(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63})(?=[:/?#\\s)\\]>,;!\"']|$)");
    private static final Pattern HOST = Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@[\\p{L}\\p{N}_.-]{1,64}");

    private final StoredRule rule;
    /** Each phrase's letters without spaces, repeats collapsed: "buy followers" becomes "buyfolowers". */
    private final List<String> phrases;
    private final int longestPhrase;
    private final Pattern regex;
    private final List<String> hosts;
    private final int limit;
    private final RatePattern rate;

    private CompiledRule(StoredRule rule, List<String> phrases, Pattern regex, List<String> hosts, int limit,
            RatePattern rate) {
        this.rule = rule;
        this.phrases = phrases;
        this.longestPhrase = phrases.stream().mapToInt(String::length).max().orElse(0);
        this.regex = regex;
        this.hosts = hosts;
        this.limit = limit;
        this.rate = rate;
    }

    /**
     * Parses the rule's pattern for its kind.
     *
     * @throws IllegalArgumentException with a message for the moderator when the pattern does not fit the kind
     */
    public static CompiledRule compile(StoredRule rule) {
        String pattern = rule.pattern() == null ? "" : rule.pattern();
        return switch (rule.kind()) {
            case KEYWORD -> new CompiledRule(rule, phrases(pattern), null, List.of(), 0, null);
            case REGEX -> new CompiledRule(rule, List.of(), regex(pattern), List.of(), 0, null);
            case LINK, LINK_ALLOWLIST -> new CompiledRule(rule, List.of(), null, hosts(pattern, rule.kind()), 0,
                    null);
            case MENTIONS -> new CompiledRule(rule, List.of(), null, List.of(), count(pattern), null);
            case FLOOD, REPEAT -> new CompiledRule(rule, List.of(), null, List.of(), 0, RatePattern.parse(pattern));
        };
    }

    public StoredRule rule() {
        return rule;
    }

    /** The flood or repeat limit; {@code null} for other kinds. */
    public RatePattern rate() {
        return rate;
    }

    /**
     * Whether one text matches, for every kind but the rate ones.
     *
     * @param text  the text as sent
     * @param words its {@link Normalizer#words normalized words}
     * @return what matched, for moderators; empty when nothing did
     */
    public Optional<String> match(String text, List<String> words) {
        return switch (rule.kind()) {
            case KEYWORD -> matchPhrases(words);
            case REGEX -> matchRegex(text, String.join(" ", Normalizer.words(text, false)));
            case LINK -> links(text).stream()
                    .filter(host -> hosts.isEmpty() || listed(host))
                    .findFirst()
                    .map(host -> "link to " + host);
            case LINK_ALLOWLIST -> links(text).stream()
                    .filter(host -> !listed(host))
                    .findFirst()
                    .map(host -> "link to " + host + ", not an allowed host");
            case MENTIONS -> {
                long mentions = MENTION.matcher(text).results().count();
                yield mentions > limit ? Optional.of(mentions + " mentions, more than " + limit) : Optional.empty();
            }
            case FLOOD, REPEAT -> Optional.empty();
        };
    }

    /**
     * A phrase matches a run of whole words whose letters, joined, are the phrase's letters: "bad word" and
     * "b a d w o r d" match "badword", and "badword" matches "bad word"; "antibadword" matches neither (whole words).
     */
    private Optional<String> matchPhrases(List<String> words) {
        for (int start = 0; start < words.size(); start++) {
            StringBuilder joined = new StringBuilder();
            for (int end = start; end < words.size(); end++) {
                joined.append(words.get(end));
                String letters = Normalizer.collapseRepeats(joined);
                if (phrases.contains(letters)) {
                    return Optional.of("\"" + String.join(" ", words.subList(start, end + 1)) + "\"");
                }
                if (letters.length() >= longestPhrase) {
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> matchRegex(String text, String normalized) {
        try {
            for (String candidate : List.of(text, normalized)) {
                Matcher matcher = regex.matcher(new BoundedText(candidate, REGEX_STEP_BUDGET));
                if (matcher.find()) {
                    return Optional.of("matches /" + regex.pattern() + "/");
                }
            }
            return Optional.empty();
        } catch (BoundedText.BudgetExceeded e) {
            // Fail open for this rule only: a pattern that backtracks without end must not stop every check.
            return Optional.empty();
        }
    }

    private boolean listed(String host) {
        return hosts.stream().anyMatch(listed -> host.equals(listed) || host.endsWith("." + listed));
    }

    /** The hosts of the links in a text, lower case, from {@code http(s)://} URLs and bare domains alike. */
    static List<String> links(String text) {
        String visible = Normalizer.normalizeForLinks(text);
        List<String> found = new ArrayList<>();
        Matcher matcher = LINK.matcher(visible);
        while (matcher.find()) {
            found.add(matcher.group(1).toLowerCase(Locale.ROOT));
        }
        return found;
    }

    private static List<String> phrases(String pattern) {
        List<String> phrases = Arrays.stream(pattern.split(","))
                .map(phrase -> Normalizer.collapseRepeats(String.join("", Normalizer.words(phrase))))
                .filter(letters -> !letters.isEmpty())
                .distinct()
                .toList();
        if (phrases.isEmpty()) {
            throw new IllegalArgumentException("pattern must list at least one word or phrase, comma-separated");
        }
        return phrases;
    }

    private static Pattern regex(String pattern) {
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("pattern must be a regular expression");
        }
        try {
            return Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern is not a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    private static List<String> hosts(String pattern, RuleKind kind) {
        List<String> hosts = Arrays.stream(pattern.split(","))
                .map(host -> host.strip().toLowerCase(Locale.ROOT))
                .filter(host -> !host.isEmpty())
                .toList();
        for (String host : hosts) {
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("\"" + host + "\" is not a host name such as example.org");
            }
        }
        if (kind == RuleKind.LINK_ALLOWLIST && hosts.isEmpty()) {
            throw new IllegalArgumentException("pattern must list the allowed hosts, comma-separated");
        }
        return hosts;
    }

    private static int count(String pattern) {
        try {
            int count = Integer.parseInt(pattern.strip());
            if (count < 1) {
                throw new NumberFormatException();
            }
            return count;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pattern must be a whole number of at least 1");
        }
    }
}
