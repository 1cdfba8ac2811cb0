package io.chatplatform.loadtest.platform;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/**
 * Reads the server's memory: resident set size of its process from {@code /proc/<pid>/status}, and the JVM heap in use
 * from the actuator's {@code jvm.memory.used{area=heap}}. Either reads as -1 when it cannot be had (another OS, no
 * actuator); the run goes on.
 */
final class ServerSampler {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final long pid;
    private final HttpClient actuator;

    /** One reading, in bytes (-1 = unknown). */
    record Sample(long rssBytes, long heapUsedBytes) {
        static final Sample UNKNOWN = new Sample(-1, -1);
    }

    ServerSampler(long pid, URI actuatorBase) {
        this.pid = pid;
        this.actuator = HttpClient.create()
                .baseUrl(actuatorBase.toString().replaceAll("/$", ""))
                .responseTimeout(TIMEOUT);
    }

    /** The sampler for the options' server: {@code --server-pid}, else the process listening on the WebSocket port. */
    static ServerSampler of(PlatformOptions options) {
        long pid = options.serverPid != null ? options.serverPid : listeningPid(wsPort(options.ws)).orElse(-1L);
        return new ServerSampler(pid, options.actuator);
    }

    long pid() {
        return pid;
    }

    Sample sample() {
        return new Sample(rss(pid), heapUsed());
    }

    /**
     * A full collection in the server's JVM ({@code jcmd <pid> GC.run}, with this JDK's jcmd), so the next heap reading
     * is live objects only. False when it could not be done: no pid, no jcmd, not a JVM of this user.
     */
    boolean collectGarbage() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (pid <= 0 || !Files.isExecutable(jcmd)) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** VmRSS of a process in bytes, or -1. */
    static long rss(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                    .findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private long heapUsed() {
        try {
            String body = actuator.get()
                    .uri("/actuator/metrics/jvm.memory.used?tag=area:heap")
                    .responseSingle((response, content) -> response.status().code() == 200
                            ? content.asString() : reactor.core.publisher.Mono.empty())
                    .block(TIMEOUT);
            if (body == null) {
                return -1;
            }
            JsonNode measurements = Api.JSON.readTree(body).path("measurements");
            return measurements.isEmpty() ? -1 : (long) measurements.get(0).path("value").asDouble();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int wsPort(URI ws) {
        if (ws.getPort() > 0) {
            return ws.getPort();
        }
        return "wss".equals(ws.getScheme()) ? 443 : 80;
    }

    /**
     * The process with a listening TCP socket on {@code port}: the socket's inode from {@code /proc/net/tcp[6]}, then
     * the process holding a descriptor for it. Only processes this user may inspect are found.
     */
    static Optional<Long> listeningPid(int port) {
        Optional<String> inode = listeningInode(port);
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        String target = "socket:[" + inode.get() + "]";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(dir -> dir.getFileName().toString().matches("\\d+"))
                    .filter(dir -> holds(dir, target))
                    .map(dir -> Long.parseLong(dir.getFileName().toString()))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean holds(Path processDir, String socket) {
        try (Stream<Path> fds = Files.list(processDir.resolve("fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(socket);
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static Optional<String> listeningInode(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                Optional<String> inode = lines.skip(1)
                        .map(line -> line.trim().split("\\s+"))
                        // local_address ends with the port; state 0A is LISTEN; field 9 is the inode.
                        .filter(fields -> fields.length > 9 && fields[1].endsWith(hexPort) && fields[3].equals("0A"))
                        .map(fields -> fields[9])
                        .findFirst();
                if (inode.isPresent()) {
                    return inode;
                }
            } catch (IOException | RuntimeException e) {
                // No such table here: try the next, then give up.
            }
        }
        return Optional.empty();
    }
}
