package io.chatplatform.infra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/** Finds a {@code redis-server}: the one on PATH, else the binary bundled in {@code org.signal:embedded-redis}. */
final class RedisExecutable {

    /** The Redis version bundled in org.signal:embedded-redis 0.9.1; update it together with that version. */
    static final String BUNDLED_VERSION = "7.0.15";

    private RedisExecutable() {
    }

    static Path locate() {
        return onPath().orElseGet(RedisExecutable::bundled);
    }

    static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isBlank()) {
                continue;
            }
            Path candidate = Path.of(directory, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Extracts the bundled binary once per machine into the temp directory and reuses it afterwards. */
    static Path bundled() {
        String resource = "redis-server-" + BUNDLED_VERSION + "-" + platform();
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "chat-infra-" + resource);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream binary = RedisExecutable.class.getClassLoader().getResourceAsStream(resource)) {
            if (binary == null) {
                throw new IllegalStateException("No redis-server on PATH and no " + resource
                        + " in org.signal:embedded-redis; install redis-server or fix RedisExecutable.BUNDLED_VERSION");
            }
            // Written under a unique name and moved into place, so that concurrent JVMs never run a half-written file.
            Path partial = Files.createTempFile(target.getParent(), resource, ".part");
            Files.copy(binary, partial, StandardCopyOption.REPLACE_EXISTING);
            if (!partial.toFile().setExecutable(true)) {
                throw new IllegalStateException("Cannot make " + partial + " executable");
            }
            moveIntoPlace(partial, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + resource + " to " + target, e);
        }
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // Another JVM won the race or the file system cannot move atomically: keep whichever copy is in place.
            if (!Files.exists(target)) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(partial);
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("linux") ? "linux" : null;
        String archPart = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> null;
        };
        if (osPart == null || archPart == null) {
            throw new IllegalStateException("No bundled redis-server for " + os + "/" + arch
                    + "; install redis-server on PATH");
        }
        return osPart + "-" + archPart;
    }
}
