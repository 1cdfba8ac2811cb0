package io.chatplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chatplatform.standalone.StandaloneProperties;
import io.chatplatform.standalone.StandalonePlatform;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.OutboundRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** What a user relies on across Ctrl-C: the second run has the first run's data, and a taken port is named. */
class StandaloneRestartIT {

    @TempDir
    Path dataDir;

    @Test
    void secondRunStillHasTheFirstRunsData() throws Exception {
        String id = UUID.randomUUID().toString();
        String topic = "e2e.restart." + id;
        // Same ports both times, as a user's second run would have.
        StandaloneProperties settings = StandalonePlatform.settings(fixedFreePorts());

        try (StandalonePlatform first = StandalonePlatform.start(settings)) {
            StepVerifier.create(mongo(first).insert(new Document("_id", id).append("text", "kept"), "restart_probe"))
                    .expectNextCount(1)
                    .verifyComplete();
            StepVerifier.create(redis(first).opsForValue().set("restart:" + id, "kept"))
                    .expectNext(true)
                    .verifyComplete();
            StepVerifier.create(first.context("chat-service").getBean(KafkaPublisher.class)
                            .send(OutboundRecord.of(topic, id, "kept".getBytes())))
                    .expectNextCount(1)
                    .verifyComplete();
        }

        try (StandalonePlatform second = StandalonePlatform.start(settings)) {
            StepVerifier.create(mongo(second).findById(id, Document.class, "restart_probe"))
                    .assertNext(doc -> assertThat(doc.getString("text")).isEqualTo("kept"))
                    .verifyComplete();
            StepVerifier.create(redis(second).opsForValue().get("restart:" + id))
                    .expectNext("kept")
                    .verifyComplete();
            Mono<InboundRecord> kept = second.context("chat-service").getBean(KafkaSubscriber.class)
                    .consume(ConsumerSpec.of("restart-" + id, topic), record -> Mono.empty())
                    .next();
            StepVerifier.create(kept)
                    .assertNext(record -> assertThat(new String(record.value())).isEqualTo("kept"))
                    .expectComplete()
                    .verify(Duration.ofSeconds(60));
        }
    }

    @Test
    void aTakenPortIsNamedAndNothingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            String[] args = {"--standalone.data-dir=" + dataDir, "--standalone.ports.gateway=" + port,
                    "--standalone.ports.auth=0", "--standalone.ports.chat=0", "--standalone.ports.websocket=0",
                    "--standalone.ports.moderation=0", "--standalone.ports.notification=0",
                    "--standalone.ports.auth-grpc=0", "--standalone.ports.chat-grpc=0",
                    "--standalone.ports.moderation-grpc=0", "--standalone.ports.kafka=0",
                    "--standalone.ports.kafka-controller=0", "--standalone.ports.redis=0",
                    "--standalone.ports.mongo=0", "--standalone.ports.smtp=0"};

            assertThatThrownBy(() -> StandalonePlatform.start(StandalonePlatform.settings(args)))
                    .isInstanceOf(StandalonePlatform.PortInUseException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("gateway")
                    .hasMessageContaining("--standalone.ports.gateway=");
        }
    }

    private String[] fixedFreePorts() throws Exception {
        List<String> args = new ArrayList<>(List.of("--standalone.data-dir=" + dataDir));
        // All probes stay open until every port is picked, so no two servers are given the same one.
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String name : List.of("gateway", "auth", "chat", "websocket", "moderation", "notification",
                    "auth-grpc", "chat-grpc", "moderation-grpc", "kafka", "kafka-controller", "redis", "mongo",
                    "smtp")) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                args.add("--standalone.ports." + name + "=" + socket.getLocalPort());
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return args.toArray(String[]::new);
    }

    private static ReactiveMongoTemplate mongo(StandalonePlatform platform) {
        return platform.context("chat-service").getBean(ReactiveMongoTemplate.class);
    }

    private static ReactiveStringRedisTemplate redis(StandalonePlatform platform) {
        return platform.context("chat-service").getBean(ReactiveStringRedisTemplate.class);
    }
}
