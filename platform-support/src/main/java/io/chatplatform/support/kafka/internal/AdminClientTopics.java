package io.chatplatform.support.kafka.internal;

import io.chatplatform.support.kafka.KafkaProperties;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.TopicSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link KafkaTopics} on the Kafka {@code Admin} client. An admin client lives only for one {@code ensureTopics}
 * call: topics are created at startup, so keeping a connection open for the application's lifetime buys nothing.
 */
public final class AdminClientTopics implements KafkaTopics {

    private static final Logger log = LoggerFactory.getLogger(AdminClientTopics.class);

    private final KafkaProperties properties;

    public AdminClientTopics(KafkaProperties properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    @Override
    public Mono<Void> ensureTopics(Collection<TopicSpec> topics) {
        List<TopicSpec> wanted = List.copyOf(topics);
        if (wanted.isEmpty()) {
            return Mono.empty();
        }
        // Admin.create and Admin.close block (thread start, bounded wait), so both run on boundedElastic.
        return Mono.usingWhen(
                Mono.fromCallable(this::createAdmin)
                        .subscribeOn(Schedulers.boundedElastic()),
                admin -> createMissing(admin, wanted),
                admin -> closeAdmin(admin));
    }

    private Mono<Void> createMissing(Admin admin, List<TopicSpec> wanted) {
        return fromKafka(admin.listTopics().names())
                .flatMapMany(existing -> Flux.fromIterable(wanted)
                        .filter(spec -> !existing.contains(spec.name())))
                .flatMap(spec -> createOne(admin, spec))
                .then();
    }

    private Mono<Void> createOne(Admin admin, TopicSpec spec) {
        NewTopic topic = new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                .configs(Map.copyOf(spec.config()));
        return fromKafka(admin.createTopics(Set.of(topic)).all())
                .doOnSuccess(ignored -> log.info("Created Kafka topic {} ({} partitions, replication {})",
                        spec.name(), spec.partitions(), spec.replicationFactor()))
                // Another instance created it between our list and create. Failing open is right: the goal (the topic
                // exists) is met; its settings are the other instance's, which use the same specs.
                .onErrorResume(TopicExistsException.class, exists -> topicAlreadyExists(spec));
    }

    private static Mono<Void> topicAlreadyExists(TopicSpec spec) {
        log.debug("Kafka topic {} was created concurrently; keeping it", spec.name());
        return Mono.empty();
    }

    private Admin createAdmin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, properties.clientId() + "-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) properties.deliveryTimeout().toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) properties.requestTimeout().toMillis()));
    }

    private Mono<Void> closeAdmin(Admin admin) {
        Duration timeout = properties.closeTimeout();
        return Mono.<Void>fromRunnable(() -> admin.close(timeout))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** KafkaFuture completes on the admin client's own thread; no blocking get(). */
    private static <T> Mono<T> fromKafka(KafkaFuture<T> future) {
        return Mono.fromCompletionStage(future.toCompletionStage())
                .onErrorMap(java.util.concurrent.CompletionException.class,
                        error -> error.getCause() != null ? error.getCause() : error);
    }
}
