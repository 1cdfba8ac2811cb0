package io.chatplatform.moderation.rules;

/** What happens when a rule matches; the proto's {@code RuleAction} without its prefix. */
public enum RuleAction {
    /** Open a flag for review; the message stays (pre-moderation: stays held). */
    FLAG,
    /** Hide the message. */
    HIDE,
    /** Hide the message and warn its sender. */
    HIDE_AND_WARN,
    /** Hide the message and count a strike; enough strikes in the window block the sender. */
    STRIKE;

    /** Whether the message is hidden. */
    public boolean hides() {
        return this != FLAG;
    }
}
