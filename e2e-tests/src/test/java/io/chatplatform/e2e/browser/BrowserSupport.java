package io.chatplatform.e2e.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the system's chromium and chromedriver are, and the skip when they are not there. */
final class BrowserSupport {

    /** Debian's packages (chromium, chromium-driver); other places through -Dchat.e2e.chromium / .chromedriver. */
    static final Path CHROMIUM = Path.of(System.getProperty("chat.e2e.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chat.e2e.chromedriver", "/usr/bin/chromedriver"));

    private BrowserSupport() {
    }

    static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Skips the calling test, saying why, when there is no browser to drive: never a silent pass. */
    static void assumeChromium() {
        assumeTrue(chromiumInstalled(),
                () -> "Browser tests SKIPPED: chromium (" + CHROMIUM + ") or chromedriver (" + CHROMEDRIVER
                        + ") is not installed. Install them with `apt-get install chromium chromium-driver` "
                        + "(.ci/run does) or point -Dchat.e2e.chromium and -Dchat.e2e.chromedriver at them.");
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A profile left in the temp directory is harmless.
        }
    }
}
