package io.chatplatform.chat.user;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds {@code @username} mentions in message text; resolving them to user ids is {@link UserDirectory}'s part. */
final class Mentions {

    /** At most this many distinct names are looked up per text; further ones are ignored. */
    static final int MAX_MENTIONS = 50;

    /** auth-service's username rule (its registration validation): only such names can be mentions. */
    static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9_.-]{3,32}");

    /**
     * {@code @} and the run of username characters after it, unless the {@code @} follows a username character:
     * that is an email address ({@code bob@example.org}), not a mention.
     */
    private static final Pattern TOKEN = Pattern.compile("(?<![a-zA-Z0-9_.-])@([a-zA-Z0-9_.-]+)");

    private Mentions() {
    }

    /**
     * The distinct mentioned names of {@code text}, lowercased, in order of first appearance, at most
     * {@link #MAX_MENTIONS}. Runs that are no valid username ({@code @ab}, 33 characters or more) are skipped.
     */
    static List<Mention> find(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return List.of();
        }
        Set<Mention> mentions = new LinkedHashSet<>();
        Matcher matcher = TOKEN.matcher(text);
        while (mentions.size() < MAX_MENTIONS && matcher.find()) {
            Mention mention = Mention.of(matcher.group(1).toLowerCase(Locale.ROOT));
            if (mention != null) {
                mentions.add(mention);
            }
        }
        return List.copyOf(mentions);
    }

    /** Every name to look up for {@code mentions}. */
    static List<String> candidates(List<Mention> mentions) {
        List<String> names = new ArrayList<>();
        for (Mention mention : mentions) {
            if (mention.name() != null) {
                names.add(mention.name());
            }
            if (mention.withoutTrailingPunctuation() != null) {
                names.add(mention.withoutTrailingPunctuation());
            }
        }
        return names;
    }

    /**
     * One mentioned name. A sentence often ends right after a mention ("thanks @alice."), and '.' and '-' are also
     * username characters, so a run ending in them has two readings: the whole run and the run without them. The
     * whole run wins when both are users.
     *
     * @param name                      the whole run, when it is a valid username, else {@code null}
     * @param withoutTrailingPunctuation the run without trailing '.' and '-', when that differs and is a valid
     *                                  username, else {@code null}
     */
    record Mention(String name, String withoutTrailingPunctuation) {

        static Mention of(String run) {
            String name = USERNAME.matcher(run).matches() ? run : null;
            String trimmed = stripTrailingPunctuation(run);
            String shorter = !trimmed.equals(run) && USERNAME.matcher(trimmed).matches() ? trimmed : null;
            return name == null && shorter == null ? null : new Mention(name, shorter);
        }

        private static String stripTrailingPunctuation(String run) {
            int end = run.length();
            while (end > 0 && (run.charAt(end - 1) == '.' || run.charAt(end - 1) == '-')) {
                end--;
            }
            return run.substring(0, end);
        }
    }
}
