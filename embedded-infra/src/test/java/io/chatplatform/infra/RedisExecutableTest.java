package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The fallback for machines without redis-server on PATH; CI has one, so it is checked here directly. */
class RedisExecutableTest {

    @Test
    void bundledBinaryIsExtractedAndRuns() throws Exception {
        Path binary = RedisExecutable.bundled();

        Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("v=" + RedisExecutable.BUNDLED_VERSION);
        assertThat(RedisExecutable.bundled()).isEqualTo(binary);
    }
}
