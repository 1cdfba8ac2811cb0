package io.chatplatform.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the CLI decides by itself, before any call: usage, help, missing login, durations, exit code mapping. */
class ChatmodUsageTest {

    @TempDir
    Path config;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = ModerationCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{}, {"login"}, {"block"}, {"unblock"}, {"flags"}, {"flags", "list"},
                {"flags", "review"}, {"rules"}, {"rules", "list"}, {"rules", "add"}, {"rules", "remove"},
                {"rules", "test"}, {"audit"}, {"watch"}, {"health"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Run help = run(args);
            assertThat(help.exit()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args)).contains("Usage: chatmod");
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run().exit()).as("no command").isEqualTo(ModerationCli.USAGE);
        assertThat(run("frobnicate").exit()).isEqualTo(ModerationCli.USAGE);
        Run missing = run("block", "u-1");
        assertThat(missing.exit()).isEqualTo(ModerationCli.USAGE);
        assertThat(missing.err()).contains("--reason");
        assertThat(run("block", "u-1", "--reason", "spam", "--for", "soon").err())
                .contains("not a duration such as 90s, 15m, 2h or 7d");
        assertThat(run("flags", "review", "f-1", "--decision", "maybe").exit()).isEqualTo(ModerationCli.USAGE);
    }

    @Test
    void withoutALoginCommandsExitThreeBeforeCallingAnything() {
        Run run = run("--config-dir", config.toString(), "--target", "127.0.0.1:1", "rules", "list");
        assertThat(run.exit()).isEqualTo(ModerationCli.AUTHENTICATION);
        assertThat(run.err()).contains("not logged in: run `chatmod login`");
    }

    @Test
    void statusesMapToExitCodes() {
        assertThat(ModerationCli.exitCode(Status.Code.UNAUTHENTICATED)).isEqualTo(ModerationCli.AUTHENTICATION);
        assertThat(ModerationCli.exitCode(Status.Code.PERMISSION_DENIED)).isEqualTo(ModerationCli.AUTHENTICATION);
        assertThat(ModerationCli.exitCode(Status.Code.INVALID_ARGUMENT)).isEqualTo(ModerationCli.USAGE);
        assertThat(ModerationCli.exitCode(Status.Code.NOT_FOUND)).isEqualTo(ModerationCli.SERVER_ERROR);
        assertThat(ModerationCli.exitCode(Status.Code.UNAVAILABLE)).isEqualTo(ModerationCli.SERVER_ERROR);
    }

    @Test
    void durationsReadSecondsMinutesHoursAndDays() {
        Durations durations = new Durations();
        assertThat(durations.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(durations.convert("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(durations.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(durations.convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> durations.convert("0s")).hasMessageContaining("longer than 0");
        assertThatThrownBy(() -> durations.convert("1w")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
