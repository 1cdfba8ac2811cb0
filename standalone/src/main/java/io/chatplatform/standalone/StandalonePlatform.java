package io.chatplatform.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.chatplatform.auth.AuthServiceApplication;
import io.chatplatform.chat.ChatServiceApplication;
import io.chatplatform.gateway.GatewayApplication;
import io.chatplatform.infra.EmbeddedInfrastructure;
import io.chatplatform.moderation.ModerationServiceApplication;
import io.chatplatform.notification.NotificationServiceApplication;
import io.chatplatform.websocket.WebSocketServiceApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The whole platform on one machine: embedded Kafka, Redis, MongoDB wire server and SMTP, every service and
 * the gateway, each service in its own Spring context inside this JVM (one JVM warms up once, which keeps a
 * laptop start fast). Services start through the same {@code application()} builders their own {@code main}
 * methods use, so this is the production wiring pointed at local infrastructure.
 */
public final class StandalonePlatform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandalonePlatform.class);

    private final StandaloneProperties settings;
    private final ResolvedPorts ports;
    /** The services' shared gRPC credentials for this run: made up at start unless given, never written anywhere. */
    private final String serviceToken;
    private EmbeddedInfrastructure infrastructure;
    private final Deque<Running> running = new ArrayDeque<>();
    private volatile boolean closed;

    private StandalonePlatform(StandaloneProperties settings) {
        this.settings = settings;
        this.ports = ResolvedPorts.resolve(settings);
        this.serviceToken = serviceTokenOf(settings);
    }

    /** Binds settings from {@code --standalone.*} arguments, {@code STANDALONE_*} variables and system properties. */
    public static StandaloneProperties settings(String... args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment)
                .bind("standalone", StandaloneProperties.class)
                .orElseGet(() -> new StandaloneProperties(null, null, null, false, null));
    }

    /**
     * Starts everything, or nothing: a port that is taken is reported before anything starts, and a part that
     * fails to start stops what already started.
     */
    public static StandalonePlatform start(StandaloneProperties settings) {
        StandalonePlatform platform = new StandalonePlatform(settings);
        try {
            platform.startAll();
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        StandalonePlatform platform;
        try {
            platform = start(settings(args));
        } catch (PortInUseException e) {
            log.error(e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            log.error("The platform did not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "standalone-shutdown"));
        stopCleanlyOn("INT");
        stopCleanlyOn("TERM");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.info("""

                ==============================================================
                 Chat platform is up in {} s: open {}
                 notifications sent (pushes and emails): {}/api/notifications/dev/outbox
                 data: {}
                 Ctrl-C stops everything.
                ==============================================================""",
                String.format("%.1f", took.toMillis() / 1000.0), platform.gatewayUrl(), platform.gatewayUrl(),
                platform.dataDir());
    }

    /**
     * Ctrl-C and SIGTERM are how this platform is meant to stop, so they end it with exit code 0 (the shutdown hook
     * still stops everything in order). Without this the JVM exits with 130/143 and {@code spring-boot:run} reports a
     * failed build after every normal stop.
     */
    @SuppressWarnings("restriction")
    private static void stopCleanlyOn(String signal) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), received -> System.exit(0));
        } catch (IllegalArgumentException e) {
            log.debug("Signal {} cannot be handled on this platform; the JVM default applies", signal);
        }
    }

    private void startAll() {
        ports.requireAllFree(settings.host());
        Path dataDir = dataDir();
        createDirectories(dataDir);
        log.info("Starting embedded Kafka, Redis, MongoDB and SMTP (data in {}{})", dataDir,
                settings.mongoInMemory() ? "; MongoDB's in memory only" : "");
        infrastructure = EmbeddedInfrastructure.builder()
                .host(settings.host())
                .dataDirectory(dataDir)
                .mongoInMemory(settings.mongoInMemory())
                .kafkaPort(ports.kafka())
                .kafkaControllerPort(ports.kafkaController())
                .redisPort(ports.redis())
                .mongoPort(ports.mongo())
                .smtpPort(ports.smtp())
                // Our own hook closes it, after the services that use it.
                .closeOnJvmExit(false)
                .build()
                .start();
        for (ServiceLaunch service : services()) {
            startService(service);
        }
    }

    /** Services first, gateway last: when the gateway answers, everything behind it does too. */
    private List<ServiceLaunch> services() {
        return List.of(
                new ServiceLaunch("auth-service", AuthServiceApplication::application, ports.auth(), ports.authGrpc(), "auth"),
                new ServiceLaunch("chat-service", ChatServiceApplication::application, ports.chat(), ports.chatGrpc(), "chat"),
                new ServiceLaunch("moderation-service", ModerationServiceApplication::application, ports.moderation(),
                        ports.moderationGrpc(), "moderation"),
                new ServiceLaunch("notification-service", NotificationServiceApplication::application,
                        ports.notification(), null, "notify"),
                new ServiceLaunch("websocket-service", WebSocketServiceApplication::application, ports.websocket(), null,
                        "websocket"),
                new ServiceLaunch("gateway", GatewayApplication::application, ports.gateway(), null, "gateway"));
    }

    private void startService(ServiceLaunch service) {
        long started = System.nanoTime();
        ConfigurableApplicationContext context = service.builder().get()
                .registerShutdownHook(false)
                .initializers(StandalonePlatform::ownNettyResources)
                .run(arguments(service));
        running.push(new Running(service.name(), context));
        log.info("{} is up on {}:{} in {} ms", service.name(), settings.host(), service.httpPort(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /**
     * Each service gets its own Reactor Netty event loops and connection pools. With the global ones (Spring's
     * default) stopping one service would dispose the loops every other service's server runs on.
     */
    private static void ownNettyResources(ConfigurableApplicationContext context) {
        ((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class, () -> {
            ReactorResourceFactory resources = new ReactorResourceFactory();
            resources.setUseGlobalResources(false);
            return resources;
        });
    }

    /**
     * Stops one service (as a deployment or an operator would) while everything else keeps running; its
     * ports stay reserved for {@link #startService(String)}. The gateway answers 502/503 for its routes meanwhile.
     */
    public synchronized void stopService(String name) {
        Running service = running.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no running service named " + name));
        running.remove(service);
        stop(service);
    }

    /** Starts again a service stopped with {@link #stopService(String)}, on the same ports and data. */
    public synchronized void startService(String name) {
        if (closed) {
            throw new IllegalStateException("the platform is closed");
        }
        if (running.stream().anyMatch(r -> r.name().equals(name))) {
            throw new IllegalStateException(name + " is running already");
        }
        startService(services().stream()
                .filter(service -> service.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service named " + name)));
    }

    /** The token given in the settings, else a new random one. */
    static String serviceTokenOf(StandaloneProperties settings) {
        String given = settings.serviceToken();
        return given == null || given.isBlank() ? newServiceToken() : given;
    }

    private static String newServiceToken() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The token the services present to each other over gRPC in this run (for tools that call them directly). */
    public String serviceToken() {
        return serviceToken;
    }

    /** Command-line arguments outrank every other property source, so they win over the service's own file. */
    private String[] arguments(ServiceLaunch service) {
        Map<String, String> properties = new LinkedHashMap<>(infrastructure.springProperties());
        properties.put("spring.mongodb.database", service.database());
        properties.put("server.address", settings.host());
        properties.put("server.port", String.valueOf(service.httpPort()));
        properties.put("chat.service-auth.token", serviceToken);
        // auth-service's SetAccountStatus checks its own secret; one secret serves both in this run.
        properties.put("chat.auth.service-secret", serviceToken);
        if (service.grpcPort() != null) {
            // The address form "host:port" takes precedence over spring.grpc.server.port.
            properties.put("spring.grpc.server.address", settings.host() + ":" + service.grpcPort());
        }
        // All contexts share one classpath: only the gateway context may act as a gateway.
        if (!service.name().equals("gateway")) {
            properties.put("spring.cloud.gateway.server.webflux.enabled", "false");
            properties.put("spring.cloud.gateway.server.webflux.redis.enabled", "false");
        } else {
            String base = "http://" + settings.host() + ":";
            properties.put("chat.gateway.routes.auth-service", base + ports.auth());
            properties.put("chat.gateway.routes.chat-service", base + ports.chat());
            properties.put("chat.gateway.routes.websocket-service", base + ports.websocket());
            properties.put("chat.gateway.routes.moderation-service", base + ports.moderation());
            properties.put("chat.gateway.routes.notification-service", base + ports.notification());
        }
        // Services find each other on the ports chosen here, whatever their own defaults say.
        String host = settings.host();
        if (!service.name().equals("auth-service")) {
            properties.put("chat.jwt.jwks-uri", "http://" + host + ":" + ports.auth() + "/.well-known/jwks.json");
        }
        if (service.name().equals("chat-service")) {
            properties.put("chat.chat-service.pre-moderation.target", host + ":" + ports.moderationGrpc());
        }
        if (service.name().equals("notification-service")) {
            properties.put("chat.notification.chat-target", host + ":" + ports.chatGrpc());
            // Links in emails and pushes open the gateway; the outbox page shows what was sent (no real push
            // service or mailbox is needed to see it).
            properties.put("chat.notification.email.public-url", gatewayUrl());
            properties.put("chat.notification.dev-outbox.enabled", "true");
        }
        if (service.name().equals("moderation-service")) {
            // auth-service's SetAccountStatus secret, which is this run's service token (set above).
            properties.put("chat.moderation.auth-service-secret", serviceToken);
            properties.put("chat.moderation.auth-target", host + ":" + ports.authGrpc());
            properties.put("chat.moderation.chat-target", host + ":" + ports.chatGrpc());
        }
        if (service.name().equals("websocket-service")) {
            properties.put("chat.websocket.chat-target", host + ":" + ports.chatGrpc());
            properties.put("chat.websocket.allowed-origins", String.join(",", "http://localhost:" + ports.gateway(),
                    "http://127.0.0.1:" + ports.gateway(), "http://" + host + ":" + ports.gateway()));
        }
        // One logback context is shared by all services; logger names say which service a line is from.
        properties.put("logging.include-application-name", "false");
        // Spring would name this launcher as each service's main class; the launcher logs each start itself.
        properties.put("spring.main.log-startup-info", "false");
        List<String> arguments = new ArrayList<>();
        properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return arguments.toArray(String[]::new);
    }

    /** The URL a person opens. */
    public String gatewayUrl() {
        String host = settings.host().equals("127.0.0.1") || settings.host().equals("0.0.0.0") ? "localhost" : settings.host();
        return "http://" + host + ":" + ports.gateway();
    }

    public Path dataDir() {
        return settings.dataDir().toAbsolutePath().normalize();
    }

    public EmbeddedInfrastructure infrastructure() {
        return infrastructure;
    }

    public ResolvedPorts ports() {
        return ports;
    }

    /** The running context of one service, by name (auth-service, chat-service, ..., gateway). */
    public ConfigurableApplicationContext context(String name) {
        return running.stream()
                .filter(r -> r.name().equals(name))
                .map(Running::context)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no running service named " + name));
    }

    /**
     * Gateway first (no new traffic), then the services together (each drains its own requests; none calls another
     * while stopping), then the infrastructure: nothing loses a dependency while it is still stopping.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Running> services = new ArrayList<>(running);
        running.clear();
        services.stream()
                .filter(service -> service.name().equals("gateway"))
                .forEach(StandalonePlatform::stop);
        // A thread each: stopping is mostly waiting (drain periods, client quiet periods), not CPU.
        List<Thread> stopping = services.stream()
                .filter(service -> !service.name().equals("gateway"))
                .map(service -> new Thread(() -> stop(service), "stop-" + service.name()))
                .toList();
        stopping.forEach(Thread::start);
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    private static void stop(Running service) {
        try {
            service.context().close();
            log.info("{} stopped", service.name());
        } catch (RuntimeException e) {
            log.warn("{} did not stop cleanly: {}", service.name(), e.getMessage());
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing a port probe failed: {}", e.getMessage());
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dir, e);
        }
    }

    private record ServiceLaunch(String name, Supplier<SpringApplicationBuilder> builder, int httpPort, Integer grpcPort,
            String database) {
    }

    private record Running(String name, ConfigurableApplicationContext context) {
    }

    /** Thrown before anything starts when a configured port is taken; its message names the port and the setting. */
    public static final class PortInUseException extends RuntimeException {

        PortInUseException(String message) {
            super(message);
        }
    }

    /** Every port of the run, with 0 replaced by a free port, and the setting that changes each. */
    public record ResolvedPorts(int gateway, int auth, int chat, int websocket, int moderation, int notification,
            int authGrpc, int chatGrpc, int moderationGrpc, int kafka, int kafkaController, int redis, int mongo,
            int smtp) {

        static ResolvedPorts resolve(StandaloneProperties settings) {
            StandaloneProperties.Ports p = settings.ports();
            // Every socket picked for a 0 stays open until all are picked, so two servers never get the same port.
            List<ServerSocket> held = new ArrayList<>();
            try {
                String host = settings.host();
                return new ResolvedPorts(free(host, p.gateway(), held), free(host, p.auth(), held),
                        free(host, p.chat(), held), free(host, p.websocket(), held),
                        free(host, p.moderation(), held), free(host, p.notification(), held),
                        free(host, p.authGrpc(), held), free(host, p.chatGrpc(), held),
                        free(host, p.moderationGrpc(), held), free(host, p.kafka(), held),
                        free(host, p.kafkaController(), held), free(host, p.redis(), held),
                        free(host, p.mongo(), held), free(host, p.smtp(), held));
            } finally {
                held.forEach(StandalonePlatform::closeQuietly);
            }
        }

        /** Checks them all before anything starts, so a clash never leaves half a platform running. */
        void requireAllFree(String host) {
            Map<String, Integer> named = new LinkedHashMap<>();
            named.put("gateway (HTTP)", gateway);
            named.put("auth (HTTP)", auth);
            named.put("chat (HTTP)", chat);
            named.put("websocket (HTTP)", websocket);
            named.put("moderation (HTTP)", moderation);
            named.put("notification (HTTP)", notification);
            named.put("auth-grpc (gRPC)", authGrpc);
            named.put("chat-grpc (gRPC)", chatGrpc);
            named.put("moderation-grpc (gRPC)", moderationGrpc);
            named.put("kafka (Kafka broker)", kafka);
            named.put("kafka-controller (Kafka KRaft controller)", kafkaController);
            named.put("redis (Redis)", redis);
            named.put("mongo (MongoDB wire server)", mongo);
            named.put("smtp (SMTP)", smtp);
            named.forEach((name, port) -> {
                if (!isFree(host, port)) {
                    String setting = name.substring(0, name.indexOf(' '));
                    throw new PortInUseException(String.format(
                            "Port %d, for %s, is already in use on %s. Stop what uses it, or choose another port with "
                                    + "--standalone.ports.%s=PORT (or 0 for any free port).",
                            port, name, host, setting));
                }
            });
        }

        private static int free(String host, int configured, List<ServerSocket> held) {
            if (configured != 0) {
                return configured;
            }
            try {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host));
                held.add(socket);
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("No free port on " + host, e);
            }
        }

        private static boolean isFree(String host, int port) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
