package io.chatplatform.moderation.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NormalizerTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "badword",
            "BADWORD",
            "BaDwOrD",
            "b4dw0rd",
            "bädwörd",
            "b\u200Badw\u200Dord",
            "baaaadwooooord",
            "\u0432adw\u043Er\u0501",
            "ｂａｄｗｏｒｄ",
            "b\u00ADadword"})
    void disguisesOfAWordNormalizeToTheWord(String disguised) {
        assertThat(Normalizer.normalize(disguised)).isEqualTo(Normalizer.normalize("badword"))
                .isEqualTo("badword");
    }

    @ParameterizedTest
    @CsvSource({
            "'Hello,   World!', helo world",
            "'I think so', i think so",
            "'b.a.d', b a d",
            "'2 cats', 2 cats"})
    void wordsAreSplitOnEverythingButLettersAndDigits(String text, String normalized) {
        assertThat(Normalizer.normalize(text)).isEqualTo(normalized);
    }
}
