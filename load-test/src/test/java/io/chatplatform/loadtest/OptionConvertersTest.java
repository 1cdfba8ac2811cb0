package io.chatplatform.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionConvertersTest {

    private final DurationConverter durations = new DurationConverter();

    @Test
    void durationsTakeShortUnitsOrIso() {
        assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(durations.convert("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(durations.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(durations.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> durations.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void hostPortSplitsAtTheLastColon() {
        assertThat(HostPort.parse("127.0.0.1:19092")).isEqualTo(new HostPort("127.0.0.1", 19092));
        assertThatThrownBy(() -> HostPort.parse("localhost")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> HostPort.parse("localhost:99999"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
