package io.chatplatform.moderation.rules;

/** How a rule matches; the proto's {@code RuleKind} without its prefix. */
public enum RuleKind {
    /** Comma-separated words or phrases, whole words, after normalization. */
    KEYWORD,
    /** A Java regular expression, on the text as sent and on its normalized form. */
    REGEX,
    /** Links to the listed hosts (or any link when none are listed). */
    LINK,
    /** Links to hosts that are not listed. */
    LINK_ALLOWLIST,
    /** More than N messages per window from one sender. */
    FLOOD,
    /** The same text more than N times per window from one sender. */
    REPEAT,
    /** More than N mentions in one message. */
    MENTIONS;

    /** Rules that count messages over time (in Redis) rather than look at one text. */
    public boolean isRate() {
        return this == FLOOD || this == REPEAT;
    }
}
