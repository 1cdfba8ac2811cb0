package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.DurationConverter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --settle}, for the scenarios whose setup stores messages: how long to wait for the machine to go quiet before
 * measuring ({@link Quiet}).
 */
final class SettleOption {

    @Option(names = "--settle", defaultValue = "120s", converter = DurationConverter.class,
            description = "after the setup stored its messages, wait up to this long for the machine to go quiet "
                    + "(other processes below 0.25 cores for 2 s): the platform takes them through moderation and "
                    + "notifications before anything is measured; 0s does not wait (default: ${DEFAULT-VALUE})")
    Duration settle;

    Duration limit() {
        return settle;
    }

    void validate(List<String> problems) {
        if (settle.isNegative()) {
            problems.add("--settle must not be negative");
        }
    }

    /** Waits, and says on {@code out} how the wait ended. */
    Quiet.Outcome await(PrintStream out) throws InterruptedException {
        Quiet.Outcome settled = Quiet.await(settle);
        out.println("Settle: " + settled.describe());
        return settled;
    }
}
