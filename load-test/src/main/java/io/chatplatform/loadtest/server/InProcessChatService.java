package io.chatplatform.loadtest.server;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.chat.ChatServiceApplication;
import io.chatplatform.infra.EmbeddedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Embedded Kafka, Redis and MongoDB wire server plus one chat-service, in this JVM: the same pieces and the same
 * {@link ChatServiceApplication#application()} wiring the standalone platform starts, minus the other services.
 */
public final class InProcessChatService implements AutoCloseable {

    private final EmbeddedInfrastructure infrastructure;
    private final ConfigurableApplicationContext context;
    private final int grpcPort;
    private final int httpPort;

    private InProcessChatService(EmbeddedInfrastructure infrastructure, ConfigurableApplicationContext context,
                                 int grpcPort, int httpPort) {
        this.infrastructure = infrastructure;
        this.context = context;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
    }

    /**
     * Starts the infrastructure and chat-service, trusting tokens from the JWKS at {@code jwksUri}.
     *
     * @param host     address every server binds to
     * @param httpPort chat-service's REST port, 0 for any free one
     * @param grpcPort chat-service's gRPC port, 0 for any free one
     * @param extra    further chat-service properties (e.g. {@code chat.chat-service.outbox.poll-interval=50ms})
     */
    public static InProcessChatService start(String host, int httpPort, int grpcPort, String jwksUri,
                                             Map<String, String> extra) {
        EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.builder()
                .host(host)
                .closeOnJvmExit(false)
                .build()
                .start();
        try {
            Map<String, String> properties = new LinkedHashMap<>(infrastructure.springProperties());
            properties.put("spring.mongodb.database", "chat");
            properties.put("server.address", host);
            properties.put("server.port", String.valueOf(httpPort));
            properties.put("spring.grpc.server.address", host + ":" + grpcPort);
            properties.put("chat.jwt.jwks-uri", jwksUri);
            // Every run brings a new signing key; let the first request with it fetch the JWKS again at once.
            properties.put("chat.jwt.jwks-refresh-min-interval", "0s");
            properties.put("spring.main.log-startup-info", "false");
            properties.putAll(extra);
            GrpcPortListener grpcPortListener = new GrpcPortListener();
            ConfigurableApplicationContext context = ChatServiceApplication.application()
                    .listeners(grpcPortListener)
                    .registerShutdownHook(false)
                    .run(arguments(properties));
            int actualHttpPort = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            return new InProcessChatService(infrastructure, context, grpcPortListener.port.get(30, TimeUnit.SECONDS),
                    actualHttpPort);
        } catch (Exception e) {
            infrastructure.close();
            throw new IllegalStateException("chat-service did not start: " + e.getMessage(), e);
        }
    }

    /** Command-line arguments outrank chat-service's own configuration file, as in the standalone launcher. */
    private static String[] arguments(Map<String, String> properties) {
        List<String> arguments = new ArrayList<>();
        properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return arguments.toArray(String[]::new);
    }

    /**
     * The port the gRPC server took. A class, not a lambda: Spring reads the event type from the class's generic
     * signature; a lambda listener would be offered every event of the context (each MongoDB mapping event of every
     * send) and fail with a ClassCastException that Spring swallows, costing the service under test CPU.
     */
    private static final class GrpcPortListener implements ApplicationListener<GrpcServerStartedEvent> {
        private final CompletableFuture<Integer> port = new CompletableFuture<>();

        @Override
        public void onApplicationEvent(GrpcServerStartedEvent event) {
            port.complete(event.getPort());
        }
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Messages whose events the outbox relay has not published yet: how far the relay is behind the sends. */
    public long pendingOutbox() {
        ReactiveMongoTemplate mongo = context.getBean(ReactiveMongoTemplate.class);
        Long count = mongo.count(query(where("outboxPending").is(true)), "messages")
                .block(Duration.ofSeconds(60));
        return count == null ? 0 : count;
    }

    /** Stops chat-service, then the infrastructure it used. */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            infrastructure.close();
        }
    }
}
