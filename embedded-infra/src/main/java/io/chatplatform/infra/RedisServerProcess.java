package io.chatplatform.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real {@code redis-server} child process, bound to one host and port. */
final class RedisServerProcess implements EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(RedisServerProcess.class);
    private static final long START_TIMEOUT_SECONDS = 30;
    private static final long STOP_TIMEOUT_SECONDS = 10;
    private static final int OUTPUT_LINES_KEPT = 20;

    private final String host;
    private final int port;
    private final Path directory;
    private final boolean persistent;
    private final Deque<String> lastOutput = new ArrayDeque<>();
    private Process process;
    private Thread killOnExit;

    /**
     * @param directory Redis's working directory
     * @param persistent whether Redis keeps its data in {@code directory} (append-only file) between runs
     */
    RedisServerProcess(String host, int port, Path directory, boolean persistent) {
        this.host = host;
        this.port = port;
        this.directory = directory;
        this.persistent = persistent;
    }

    @Override
    public String name() {
        return "Redis";
    }

    @Override
    public void start() throws Exception {
        Files.createDirectories(directory);
        Path executable = RedisExecutable.locate();
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--port", String.valueOf(port),
                "--bind", host,
                "--dir", directory.toAbsolutePath().toString()));
        if (persistent) {
            command.addAll(List.of("--appendonly", "yes"));
        } else {
            command.addAll(List.of("--save", "", "--appendonly", "no"));
        }
        log.debug("Starting {}", command);
        process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        // A JVM that dies without close() must not leave a redis-server behind holding the port.
        Process started = process;
        killOnExit = new Thread(started::destroy, "redis-server-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(started, ready), "redis-server-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            // The log line is the fast path; a Redis that words it differently still counts once it answers PING.
            if (!ping()) {
                throw new IllegalStateException("Redis did not start within " + START_TIMEOUT_SECONDS + "s; output:\n"
                        + output());
            }
        }
        if (!ping()) {
            throw new IllegalStateException("Redis on " + host + ":" + port + " does not answer PING; output:\n"
                    + output());
        }
    }

    /** Completes {@code ready} when Redis says so, and keeps draining output so the pipe never fills up. */
    private void readOutput(Process started, CompletableFuture<Void> ready) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.debug("redis-server: {}", line);
                remember(line);
                if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // Normal when the JVM exits first; the process is stopped by close() or the shutdown hook.
            log.debug("redis-server output closed: {}", e.toString());
        }
        ready.completeExceptionally(new IllegalStateException(
                "redis-server exited before it was ready; output:\n" + output()));
    }

    private synchronized void remember(String line) {
        if (lastOutput.size() == OUTPUT_LINES_KEPT) {
            lastOutput.removeFirst();
        }
        lastOutput.addLast(line);
    }

    private synchronized String output() {
        return String.join("\n", lastOutput);
    }

    boolean ping() {
        return "+PONG".equals(command("PING"));
    }

    /** Sends one inline command and returns the first reply line, or null if Redis cannot be reached. */
    private String command(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                reply.append((char) c);
            }
            return reply.toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                // A persistent Redis flushes its append-only file on SHUTDOWN; an in-memory one has nothing to keep.
                command(persistent ? "SHUTDOWN" : "SHUTDOWN NOSAVE");
                if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("Redis on port {} did not stop within {}s; killing it", port, STOP_TIMEOUT_SECONDS);
                    process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            removeShutdownHook();
            process = null;
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, which is what the hook is there for.
        }
    }

    @Override
    public String toString() {
        return "Redis " + host + ":" + port + (persistent ? " (data " + directory + ")" : " (in memory)");
    }
}
