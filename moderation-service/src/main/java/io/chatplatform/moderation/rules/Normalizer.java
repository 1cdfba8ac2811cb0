package io.chatplatform.moderation.rules;

import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns text into the form keyword rules compare: disguises people use to slip a word past a filter are undone.
 *
 * <p>In order: compatibility decomposition (full-width and styled letters become plain ones) with the diacritics
 * dropped; lower case; zero-width and other invisible characters removed; look-alike letters from other scripts
 * (Cyrillic, Greek) and common substitutions ({@code 0→o}, {@code 3→e}, {@code @→a}, {@code $→s}, ...) mapped to
 * Latin letters; runs of one repeated letter collapsed to one ({@code "baaad"} and {@code "bad"} compare equal);
 * everything else is a word separator. (Words spelled out letter by letter, {@code "b.a.d"}, are caught when
 * matching: see {@link CompiledRule}.)
 */
public final class Normalizer {

    private static final Map<Character, Character> LOOK_ALIKES = lookAlikes();

    private Normalizer() {
    }

    /** The normalized words of {@code text}, in order. */
    public static List<String> words(String text) {
        return words(text, true);
    }

    /**
     * The normalized words of {@code text}; with {@code collapseRepeats} false, repeated letters stay (regular
     * expressions may count letters).
     */
    public static List<String> words(String text, boolean collapseRepeats) {
        String mapped = mapCharacters(text, collapseRepeats);
        List<String> raw = new ArrayList<>();
        // Words as they are; the letters of a word spelled out ("b a d") stay separate words.
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < mapped.length(); i++) {
            char c = mapped.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                word.append(c);
            } else if (!word.isEmpty()) {
                raw.add(word.toString());
                word.setLength(0);
            }
        }
        if (!word.isEmpty()) {
            raw.add(word.toString());
        }
        return raw;
    }

    /** The normalized words joined with single spaces. */
    public static String normalize(String text) {
        return String.join(" ", words(text));
    }

    /** The text with compatibility forms unfolded and invisible characters removed, for finding links in it. */
    static String normalizeForLinks(String text) {
        String folded = java.text.Normalizer.normalize(text, Form.NFKC);
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (!isInvisible(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String mapCharacters(String text, boolean collapseRepeats) {
        String decomposed = java.text.Normalizer.normalize(text, Form.NFKD).toLowerCase(Locale.ROOT);
        StringBuilder visible = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            if (!isInvisible(decomposed.charAt(i))) {
                visible.append(decomposed.charAt(i));
            }
        }
        StringBuilder out = new StringBuilder(visible.length());
        char previous = 0;
        for (int i = 0; i < visible.length(); i++) {
            char c = visible.charAt(i);
            Character mapped = LOOK_ALIKES.get(c);
            // A symbol stands for a letter only inside a word ("sp@m", "$ave"), not as punctuation ("hi!").
            boolean symbol = !Character.isLetterOrDigit(c);
            if (mapped != null && (!symbol || i + 1 < visible.length()
                    && Character.isLetterOrDigit(visible.charAt(i + 1)))) {
                c = mapped;
            }
            if (collapseRepeats && Character.isLetter(c) && c == previous) {
                continue;
            }
            out.append(c);
            previous = c;
        }
        return out.toString();
    }

    /** Combining marks (the diacritics after decomposition), zero-width characters, soft hyphens, BOMs. */
    private static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.FORMAT
                || c == '\u200B' || c == '\u200C' || c == '\u200D' || c == '\u2060' || c == '\uFEFF'
                || c == '\u00AD';
    }

    /** Runs of one repeated character become one character. */
    static String collapseRepeats(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (out.isEmpty() || out.charAt(out.length() - 1) != c) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Map<Character, Character> lookAlikes() {
        Map<Character, Character> map = new java.util.HashMap<>();
        // Substitutions for letters: digits and symbols.
        put(map, "0o 1i 3e 4a 5s 7t 8b 9g @a $s !i |l +t");
        // Cyrillic letters that look like Latin ones (lower case; upper case was lowered before).
        put(map, "аa вb еe ёe кk мm нh оo рp сc тt уy хx іi јj ѕs ԁd һh ӏl");
        // Greek.
        put(map, "αa βb εe ηn ιi κk νv οo ρp τt υu χx ωw");
        return Map.copyOf(map);
    }

    private static void put(Map<Character, Character> map, String pairs) {
        for (String pair : pairs.split(" ")) {
            map.put(pair.charAt(0), pair.charAt(1));
        }
    }
}
