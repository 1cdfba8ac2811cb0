package io.chatplatform.moderation.rules;

/**
 * A text that allows a bounded number of character reads: the regex engine reads through {@code charAt}, so this
 * stops a backtracking pattern (a moderator's {@code (a+)+$}) after a fixed amount of work.
 */
final class BoundedText implements CharSequence {

    private final String text;
    private final int[] budget;

    BoundedText(String text, int budget) {
        this(text, new int[] {budget});
    }

    private BoundedText(String text, int[] budget) {
        this.text = text;
        this.budget = budget;
    }

    @Override
    public char charAt(int index) {
        if (--budget[0] < 0) {
            throw new BudgetExceeded();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text.substring(start, end), budget);
    }

    @Override
    public String toString() {
        return text;
    }

    /** The work budget ran out. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("regular expression took too long", null, false, false);
        }
    }
}
