package io.chatplatform.moderation.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * The normalizer's promises over generated input: it never throws, normalizing twice changes nothing more, and
 * every disguise it claims to undo (case, diacritics, digit and symbol substitutions, zero-width characters, Cyrillic
 * and Greek look-alikes, repeated letters), in any mix, gives the plain word's normalized form.
 */
class NormalizerPropertiesTest {

    /** Ways to write each letter that the normalizer maps back to it (besides the letter itself). */
    private static final Map<Character, List<String>> DISGUISES = Map.ofEntries(
            Map.entry('a', List.of("4", "\u0430", "\u03B1", "A", "\u00E1", "\u00E4")),
            Map.entry('b', List.of("8", "\u03B2", "B", "\u0432")),
            Map.entry('c', List.of("\u0441", "C", "\u00E7")),
            Map.entry('d', List.of("\u0501", "D")),
            Map.entry('e', List.of("3", "\u0435", "\u03B5", "E", "\u00E9", "\u00EB", "\u0451")),
            Map.entry('g', List.of("9", "G")),
            Map.entry('h', List.of("\u04BB", "\u043D", "H")),
            Map.entry('i', List.of("1", "\u0456", "\u03B9", "I", "\u00ED")),
            Map.entry('j', List.of("\u0458", "J")),
            Map.entry('k', List.of("\u043A", "\u03BA", "K")),
            Map.entry('o', List.of("0", "\u043E", "\u03BF", "O", "\u00F6", "\u00F3")),
            Map.entry('p', List.of("\u0440", "\u03C1", "P")),
            Map.entry('s', List.of("5", "\u0455", "S")),
            Map.entry('t', List.of("7", "\u0442", "\u03C4", "T")),
            Map.entry('u', List.of("\u03C5", "U", "\u00FC")),
            Map.entry('x', List.of("\u0445", "\u03C7", "X")),
            Map.entry('y', List.of("\u0443", "Y", "\u00FD")));

    private static final List<String> INVISIBLE = List.of("\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD");

    @Property(tries = 300)
    void neverThrowsAndNormalizingTwiceChangesNothing(@ForAll("anyText") String text) {
        String once = Normalizer.normalize(text);
        assertThat(Normalizer.normalize(once)).isEqualTo(once);
        assertThat(Normalizer.words(text, false)).isNotNull();
    }

    @Property(tries = 300)
    void aDisguisedWordNormalizesLikeThePlainWord(@ForAll("disguisedWords") Disguised word) {
        assertThat(Normalizer.normalize(word.disguised()))
                .as("disguise %s of %s", escape(word.disguised()), word.plain())
                .isEqualTo(Normalizer.normalize(word.plain()));
    }

    @Property(tries = 100)
    void aDisguisedWordInASentenceIsStillFoundAsAWord(@ForAll("disguisedWords") Disguised word,
                                                      @ForAll @StringLength(max = 20) String before) {
        String plainBefore = before.replaceAll("[^a-z ]", "");
        List<String> words = Normalizer.words(plainBefore + " " + word.disguised() + "! ...");
        assertThat(words).contains(Normalizer.normalize(word.plain()));
    }

    /** Arbitrary text, weighted towards the characters the normalizer treats specially. */
    @Provide
    Arbitrary<String> anyText() {
        Arbitrary<Character> special = Arbitraries.of('0', '1', '3', '@', '$', '!', '|', '+', '\u0430', '\u03C2',
                '\u03A3', '\u0130', '\u0131', '\u00DF', '\u1E9E', '\u212A', '\uFB01', '\u0301', '\u200B', '\u00AD',
                '\uFEFF', '\uD83D', '\uDE00', '\uD800', '\u202E', '\u3000', '\uFF41', 'A', 'a', ' ');
        Arbitrary<Character> any = Arbitraries.chars().all();
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, special),
                        net.jqwik.api.Tuple.of(2, any),
                        net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('a', 'z')))
                .list().ofMaxSize(40)
                .map(chars -> {
                    StringBuilder out = new StringBuilder();
                    chars.forEach(out::append);
                    return out.toString();
                });
    }

    /** A plain word of ASCII letters and a disguise of it, made letter by letter. */
    @Provide
    Arbitrary<Disguised> disguisedWords() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(12)
                .flatMap(plain -> Combinators.combine(
                                plain.chars().mapToObj(c -> disguiseOf((char) c)).toList())
                        .as(parts -> new Disguised(plain, String.join("", parts))));
    }

    private static Arbitrary<String> disguiseOf(char letter) {
        List<String> forms = DISGUISES.getOrDefault(letter, List.of(String.valueOf(Character.toUpperCase(letter))));
        Arbitrary<String> form = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(String.valueOf(letter))),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(forms)),
                // A combining diacritic after the letter (U+0300..U+036F are all non-spacing marks).
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u0300', '\u036F')
                        .map(mark -> letter + String.valueOf(mark))));
        Arbitrary<String> repeated = Combinators.combine(form, Arbitraries.integers().between(1, 4))
                .as(String::repeat);
        Arbitrary<String> invisible = Arbitraries.of(INVISIBLE).list().ofMaxSize(2).map(list -> String.join("", list));
        return Combinators.combine(repeated, invisible).as(String::concat);
    }

    record Disguised(String plain, String disguised) {
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 128 ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return out.toString();
    }
}
