package io.chatplatform.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka (KRaft), Redis, a MongoDB wire server and SMTP, started in this JVM (Redis as a child process).
 *
 * <p>With a data directory everything is kept there between runs ({@code kafka/}, {@code redis/}, {@code mongo.mv});
 * without one, data lives in memory and in a temp directory that {@link #close()} deletes.
 */
public final class EmbeddedInfrastructure implements Infrastructure {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    private static final String KAFKA = "Kafka";
    private static final String KAFKA_CONTROLLER = "Kafka controller";
    private static final String REDIS = "Redis";
    private static final String MONGO = "MongoDB";
    private static final String SMTP = "SMTP";

    private enum State { NEW, STARTED, CLOSED }

    private final String host;
    private final Path dataDirectory;
    private final boolean mongoInMemory;
    private final boolean closeOnJvmExit;
    private final Map<String, Integer> requestedPorts;
    private State state = State.NEW;
    private Map<String, Integer> ports;
    private Path temporaryDirectory;
    /** In start order; stopped in reverse. */
    private List<EmbeddedServer> servers = List.of();
    private SmtpServer smtp;
    private Thread closeOnExit;

    private EmbeddedInfrastructure(Builder builder) {
        this.host = builder.host;
        this.dataDirectory = builder.dataDirectory;
        this.mongoInMemory = builder.mongoInMemory;
        this.closeOnJvmExit = builder.closeOnJvmExit;
        Map<String, Integer> requested = new LinkedHashMap<>();
        requested.put(KAFKA, builder.kafkaPort);
        requested.put(KAFKA_CONTROLLER, builder.kafkaControllerPort);
        requested.put(REDIS, builder.redisPort);
        requested.put(MONGO, builder.mongoPort);
        requested.put(SMTP, builder.smtpPort);
        this.requestedPorts = Collections.unmodifiableMap(requested);
    }

    /** A builder with every port free-picked, everything in memory, listening on 127.0.0.1. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts all four servers, in parallel, and returns once each accepts connections.
     *
     * @throws IllegalStateException if a configured port is taken (naming the component and port; nothing is started
     *     then) or a server fails to start (the others are stopped again)
     */
    public synchronized EmbeddedInfrastructure start() {
        if (state != State.NEW) {
            throw new IllegalStateException("Embedded infrastructure can be started once; it is " + state);
        }
        long startedAt = System.nanoTime();
        ports = Ports.resolve(host, requestedPorts);
        Path root = rootDirectory();
        smtp = new SmtpServer(host, ports.get(SMTP));
        servers = List.of(
                new KafkaBroker(host, ports.get(KAFKA), ports.get(KAFKA_CONTROLLER), root.resolve("kafka")),
                new RedisServerProcess(host, ports.get(REDIS), root.resolve("redis"), dataDirectory != null),
                new MongoWireServer(host, ports.get(MONGO),
                        dataDirectory == null || mongoInMemory ? null : root.resolve("mongo.mv")),
                smtp);
        state = State.STARTED;
        try {
            startAll();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (closeOnJvmExit) {
            closeOnExit = new Thread(this::close, "embedded-infra-close-on-exit");
            Runtime.getRuntime().addShutdownHook(closeOnExit);
        }
        log.info("Embedded infrastructure started in {} ms: Kafka {}, Redis {}:{}, MongoDB {}, SMTP {}:{}{}",
                (System.nanoTime() - startedAt) / 1_000_000, kafkaBootstrapServers(), redisHost(), redisPort(),
                mongoUri(), smtpHost(), smtpPort(), dataDirectory == null ? "" : ", data in " + dataDirectory);
        return this;
    }

    private Path rootDirectory() {
        try {
            if (dataDirectory != null) {
                return Files.createDirectories(dataDirectory);
            }
            temporaryDirectory = Files.createTempDirectory("chat-infra-");
            return temporaryDirectory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the infrastructure's data directory", e);
        }
    }

    /** Kafka takes seconds to start and the others milliseconds, so they all start at once on their own threads. */
    private void startAll() {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService starter = Executors.newFixedThreadPool(servers.size(), runnable -> {
            Thread thread = new Thread(runnable, "embedded-infra-start-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Void>> starts = servers.stream()
                    .map(server -> CompletableFuture.runAsync(() -> startOne(server), starter))
                    .toList();
            // Waits for every start, also after one failed, so that close() never races a server still starting.
            RuntimeException failure = null;
            for (CompletableFuture<Void> start : starts) {
                try {
                    start.join();
                } catch (CompletionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException runtime
                            ? runtime : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            starter.shutdown();
        }
    }

    private static void startOne(EmbeddedServer server) {
        long startedAt = System.nanoTime();
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(server.name() + " failed to start: " + e.getMessage(), e);
        }
        log.debug("{} started in {} ms", server, (System.nanoTime() - startedAt) / 1_000_000);
    }

    @Override
    public String kafkaBootstrapServers() {
        return host + ":" + port(KAFKA);
    }

    @Override
    public String redisHost() {
        return host;
    }

    @Override
    public int redisPort() {
        return port(REDIS);
    }

    @Override
    public String mongoUri() {
        return "mongodb://" + host + ":" + port(MONGO);
    }

    @Override
    public String smtpHost() {
        return host;
    }

    @Override
    public int smtpPort() {
        return port(SMTP);
    }

    /** The Kafka controller (KRaft quorum) port; clients never need it. */
    public int kafkaControllerPort() {
        return port(KAFKA_CONTROLLER);
    }

    /** The data directory given to the builder, or null when everything is in memory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The SMTP server, for reading the mails it received. */
    public synchronized GreenMail greenMail() {
        requireStarted();
        return smtp.greenMail();
    }

    @Override
    public Map<String, String> springProperties() {
        return SpringProperties.of(this);
    }

    private synchronized int port(String component) {
        requireStarted();
        return ports.get(component);
    }

    private void requireStarted() {
        if (state == State.NEW) {
            throw new IllegalStateException("Embedded infrastructure is not started; call start() first");
        }
    }

    /**
     * Stops redis-server as if it crashed or was restarted by an operator (clients see their connections drop), for
     * fault drills; {@link #startRedis()} brings it back on the same port. An in-memory Redis comes back empty.
     */
    public synchronized void stopRedis() {
        requireRunning();
        server(RedisServerProcess.class).close();
        log.info("Redis stopped (fault drill)");
    }

    /** Starts redis-server again after {@link #stopRedis()}, on the same port; returns once it answers. */
    public synchronized void startRedis() {
        requireRunning();
        startOne(server(RedisServerProcess.class));
        log.info("Redis started again (fault drill)");
    }

    /**
     * Stops the Kafka broker (and its KRaft controller) as in an outage, for fault drills; {@link #startKafka()}
     * brings it back on the same ports with its data (topics, committed offsets).
     */
    public synchronized void stopKafka() {
        requireRunning();
        server(KafkaBroker.class).close();
        log.info("Kafka stopped (fault drill)");
    }

    /** Starts the Kafka broker again after {@link #stopKafka()}; returns once it accepts produce requests. */
    public synchronized void startKafka() {
        requireRunning();
        startOne(server(KafkaBroker.class));
        log.info("Kafka started again (fault drill)");
    }

    private <S extends EmbeddedServer> S server(Class<S> type) {
        return servers.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private void requireRunning() {
        if (state != State.STARTED) {
            throw new IllegalStateException("Embedded infrastructure is " + state);
        }
    }


    /** Stops the servers in reverse start order and deletes the temp directory; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (state != State.STARTED) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        List<EmbeddedServer> reverse = new ArrayList<>(servers);
        Collections.reverse(reverse);
        // Every server gets its close() even if an earlier one fails: a leftover redis-server would keep its port.
        for (EmbeddedServer server : reverse) {
            try {
                server.close();
            } catch (RuntimeException e) {
                log.warn("{} did not stop cleanly", server.name(), e);
            }
        }
        deleteTemporaryDirectory();
        removeShutdownHook();
        log.info("Embedded infrastructure stopped");
    }

    private void removeShutdownHook() {
        if (closeOnExit == null || Thread.currentThread() == closeOnExit) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(closeOnExit);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and the hook is running or about to; close() is idempotent.
        }
    }

    private void deleteTemporaryDirectory() {
        if (temporaryDirectory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(temporaryDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete {}", temporaryDirectory, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedInfrastructure" + (state == State.NEW ? "(not started)" : servers);
    }

    /** Configures an {@link EmbeddedInfrastructure}; a port of 0 (the default) means any free port. */
    public static final class Builder {

        private String host = "127.0.0.1";
        private Path dataDirectory;
        private boolean mongoInMemory;
        private int kafkaPort;
        private int kafkaControllerPort;
        private int redisPort;
        private int mongoPort;
        private int smtpPort;
        private boolean closeOnJvmExit = true;

        private Builder() {
        }

        /**
         * Whether a JVM shutdown hook closes the infrastructure (default true, so no redis-server outlives a test
         * run). Turn it off when the owner closes it from its own hook after the services that use it: JVM hooks
         * run concurrently, so a second hook would pull the infrastructure out from under stopping services.
         */
        public Builder closeOnJvmExit(boolean closeOnJvmExit) {
            this.closeOnJvmExit = closeOnJvmExit;
            return this;
        }

        /** The address every server binds to and clients connect to; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Where data is kept between runs; null (the default) keeps everything in memory and temp directories. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Keeps MongoDB's data in memory even with a data directory (Kafka and Redis still keep theirs there). The
         * on-disk backend serializes every operation on a collection behind one lock; benchmarks use this to tell the
         * platform's own cost from that backend's.
         */
        public Builder mongoInMemory(boolean mongoInMemory) {
            this.mongoInMemory = mongoInMemory;
            return this;
        }

        /** Kafka's client (PLAINTEXT) port. */
        public Builder kafkaPort(int kafkaPort) {
            this.kafkaPort = kafkaPort;
            return this;
        }

        /** Kafka's KRaft controller port. */
        public Builder kafkaControllerPort(int kafkaControllerPort) {
            this.kafkaControllerPort = kafkaControllerPort;
            return this;
        }

        /** Redis's port. */
        public Builder redisPort(int redisPort) {
            this.redisPort = redisPort;
            return this;
        }

        /** The MongoDB wire server's port. */
        public Builder mongoPort(int mongoPort) {
            this.mongoPort = mongoPort;
            return this;
        }

        /** The SMTP server's port. */
        public Builder smtpPort(int smtpPort) {
            this.smtpPort = smtpPort;
            return this;
        }

        /** An infrastructure that is not started yet; see {@link EmbeddedInfrastructure#start()}. */
        public EmbeddedInfrastructure build() {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            return new EmbeddedInfrastructure(this);
        }
    }
}
