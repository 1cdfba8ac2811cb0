package io.chatplatform.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatplatform.infra.Infrastructure;
import io.chatplatform.infra.junit.EmbeddedInfraExtension;
import io.chatplatform.support.kafka.internal.AdminClientTopics;
import io.chatplatform.support.kafka.internal.ReactorKafkaAdapter;
import io.chatplatform.support.reactor.KeyLanes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockHound;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

@ExtendWith(EmbeddedInfraExtension.class)
class KafkaAdapterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int LANES = 8;

    private final List<ReactorKafkaAdapter> adapters = new ArrayList<>();
    private KafkaProperties properties;
    private KafkaTopics topics;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @BeforeEach
    void setUp(Infrastructure infrastructure) {
        properties = KafkaProperties.defaults(infrastructure.kafkaBootstrapServers())
                .withHandlerRetries(2, Duration.ofMillis(50));
        topics = new AdminClientTopics(properties);
    }

    @AfterEach
    void closeAdapters() {
        adapters.forEach(ReactorKafkaAdapter::close);
    }

    @Test
    void ensureTopicsIsIdempotent() throws Exception {
        String topic = uniqueTopic();
        List<TopicSpec> specs = List.of(TopicSpec.of(topic, 3, 1));

        StepVerifier.create(topics.ensureTopics(specs))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(topics.ensureTopics(List.of(TopicSpec.of(topic, 5, 1))))
                .as("an existing topic is fine and left as it is")
                .expectComplete()
                .verify(TIMEOUT);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                properties.bootstrapServers()))) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(description.partitions()).hasSize(3);
        }
    }

    @Test
    void publishesAndConsumesInOrderPerKeyWithHeaders() {
        String topic = uniqueTopic();
        ensure(topic, 3);
        ReactorKafkaAdapter kafka = adapter();
        List<OutboundRecord> sent = IntStream.range(0, 30)
                .mapToObj(i -> new OutboundRecord(topic, "room-" + (i % 3), bytes("m" + i),
                        Map.of("event-type", "message.created", "seq", String.valueOf(i / 3))))
                .toList();

        StepVerifier.create(kafka.sendAll(Flux.fromIterable(sent)))
                .expectNextCount(30)
                .expectComplete()
                .verify(TIMEOUT);

        List<InboundRecord> received = new CopyOnWriteArrayList<>();
        StepVerifier.create(kafka.consume(ConsumerSpec.of("order-" + topic, topic), record -> {
                            received.add(record);
                            return Mono.empty();
                        })
                        .take(30))
                .expectNextCount(30)
                .expectComplete()
                .verify(TIMEOUT);

        Map<String, List<String>> valuesByKey = received.stream()
                .collect(Collectors.groupingBy(InboundRecord::key,
                        Collectors.mapping(record -> text(record.value()), Collectors.toList())));
        assertThat(valuesByKey.get("room-0")).containsExactly("m0", "m3", "m6", "m9", "m12", "m15", "m18", "m21",
                "m24", "m27");
        assertThat(valuesByKey.get("room-1")).hasSize(10);
        assertThat(valuesByKey.get("room-2")).hasSize(10);
        InboundRecord first = received.stream()
                .filter(record -> text(record.value()).equals("m0"))
                .findFirst()
                .orElseThrow();
        assertThat(first.headers()).containsEntry("event-type", "message.created").containsEntry("seq", "0");
    }

    @Test
    void sendReportsWhereTheBrokerStoredTheRecord() {
        String topic = uniqueTopic();
        ensure(topic, 1);
        ReactorKafkaAdapter kafka = adapter();

        StepVerifier.create(kafka.send(OutboundRecord.of(topic, "k", bytes("a")))
                        .then(kafka.send(OutboundRecord.of(topic, "k", bytes("b")))))
                .assertNext(position -> {
                    assertThat(position.topic()).isEqualTo(topic);
                    assertThat(position.partition()).isZero();
                    assertThat(position.offset()).isEqualTo(1);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void recordWhoseHandlerFailsIsDeliveredAgainAfterRestartNotLost() {
        String topic = uniqueTopic();
        ensure(topic, 1);
        ReactorKafkaAdapter kafka = adapter();
        StepVerifier.create(kafka.sendAll(Flux.range(0, 5)
                        .map(i -> OutboundRecord.of(topic, "room-1", bytes("r" + i)))))
                .expectNextCount(5)
                .expectComplete()
                .verify(TIMEOUT);
        ConsumerSpec spec = ConsumerSpec.of("restart-" + topic, topic);

        // First run: r2 always fails. r0 and r1 are processed; the stream stops at r2 after 1 + 2 retries.
        List<String> firstRun = new CopyOnWriteArrayList<>();
        AtomicInteger attemptsOnR2 = new AtomicInteger();
        StepVerifier.create(kafka.consume(spec, record -> {
                    String value = text(record.value());
                    if (value.equals("r2")) {
                        attemptsOnR2.incrementAndGet();
                        return Mono.error(new IllegalStateException("database down"));
                    }
                    firstRun.add(value);
                    return Mono.empty();
                }))
                .expectNextCount(2)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(KafkaHandlerException.class);
                    assertThat(((KafkaHandlerException) error).offset()).isEqualTo(2);
                    assertThat(error.getCause()).hasMessage("database down");
                })
                .verify(TIMEOUT);
        assertThat(firstRun).containsExactly("r0", "r1");
        assertThat(attemptsOnR2).hasValue(3);

        // Restart (a new consumer in the same group): it resumes at r2, so r2 is not lost and r0/r1 are not redone.
        List<String> secondRun = new CopyOnWriteArrayList<>();
        StepVerifier.create(adapter().consume(spec, record -> {
                            secondRun.add(text(record.value()));
                            return Mono.empty();
                        })
                        .take(3))
                .expectNextCount(3)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(secondRun).containsExactly("r2", "r3", "r4");
    }

    @Test
    void offsetsAreCommittedOnlyAfterTheHandlerCompleted() {
        String topic = uniqueTopic();
        ensure(topic, 1);
        ReactorKafkaAdapter kafka = adapter();
        StepVerifier.create(kafka.sendAll(Flux.range(0, 3)
                        .map(i -> OutboundRecord.of(topic, "k", bytes("r" + i)))))
                .expectNextCount(3)
                .expectComplete()
                .verify(TIMEOUT);
        ConsumerSpec spec = ConsumerSpec.of("slow-" + topic, topic);

        // The handler for r0 never completes; the consumer is stopped while it is in flight.
        StepVerifier.create(kafka.consume(spec, record -> Mono.never()))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(3))
                .thenCancel()
                .verify(TIMEOUT);

        List<String> redelivered = new CopyOnWriteArrayList<>();
        StepVerifier.create(adapter().consume(spec, record -> {
                            redelivered.add(text(record.value()));
                            return Mono.empty();
                        })
                        .take(3))
                .expectNextCount(3)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(redelivered).containsExactly("r0", "r1", "r2");
    }

    /**
     * Key lanes: while one key's record is still being handled, records of keys in other lanes are handled; that
     * key's next record waits for it.
     */
    @Test
    void keyLanesHandleOtherKeysWhileOneWaitsAndKeepEachKeysOrder() {
        String topic = uniqueTopic();
        ensure(topic, 1);
        ReactorKafkaAdapter kafka = adapter();
        List<String> others = keysOutsideTheLaneOf("slow", 20);
        List<OutboundRecord> records = new ArrayList<>(List.of(OutboundRecord.of(topic, "slow", bytes("slow-1")),
                OutboundRecord.of(topic, "slow", bytes("slow-2"))));
        others.forEach(key -> records.add(OutboundRecord.of(topic, key, bytes(key))));
        StepVerifier.create(kafka.sendAll(Flux.fromIterable(records))).expectNextCount(records.size())
                .expectComplete().verify(TIMEOUT);
        Sinks.Empty<Void> firstDone = Sinks.empty();
        List<String> handled = new CopyOnWriteArrayList<>();

        Disposable consuming = adapter().consume(ConsumerSpec.of("lanes-" + topic, topic).withKeyLanes(LANES),
                record -> {
                    String value = text(record.value());
                    return value.equals("slow-1")
                            ? firstDone.asMono().doOnSuccess(done -> handled.add(value))
                            : Mono.fromRunnable(() -> handled.add(value));
                }).subscribe();
        try {
            await().atMost(TIMEOUT).until(() -> handled.containsAll(others));
            assertThat(handled).doesNotContain("slow-1", "slow-2");

            firstDone.tryEmitEmpty();
            await().atMost(TIMEOUT).until(() -> handled.contains("slow-2"));
            assertThat(handled.indexOf("slow-1")).isLessThan(handled.indexOf("slow-2"));
        } finally {
            consuming.dispose();
        }
    }

    /**
     * Key lanes acknowledge records out of offset order; the group's committed offset must still never pass a record
     * not handled yet, or a restart would skip it. Here the first record is never finished while the nine after it
     * are: the next consumer of the group gets the first record again.
     */
    @Test
    void keyLanesNeverCommitPastARecordStillBeingHandled() {
        String topic = uniqueTopic();
        ensure(topic, 1);
        ReactorKafkaAdapter kafka = adapter();
        List<OutboundRecord> records = new ArrayList<>(List.of(OutboundRecord.of(topic, "stuck", bytes("r0"))));
        List<String> others = keysOutsideTheLaneOf("stuck", 9);
        for (int i = 0; i < others.size(); i++) {
            records.add(OutboundRecord.of(topic, others.get(i), bytes("r" + (i + 1))));
        }
        StepVerifier.create(kafka.sendAll(Flux.fromIterable(records))).expectNextCount(records.size())
                .expectComplete().verify(TIMEOUT);
        ConsumerSpec spec = ConsumerSpec.of("lanes-commit-" + topic, topic).withKeyLanes(LANES);

        // r1..r9 are handled and acknowledged; the commit interval passes twice while r0 is still in flight.
        StepVerifier.create(kafka.consume(spec, record -> text(record.value()).equals("r0")
                        ? Mono.never() : Mono.empty()))
                .expectNextCount(9)
                .expectNoEvent(properties.commitInterval().multipliedBy(2).plusSeconds(1))
                .thenCancel()
                .verify(TIMEOUT);

        List<String> again = new CopyOnWriteArrayList<>();
        StepVerifier.create(adapter().consume(ConsumerSpec.of("lanes-commit-" + topic, topic), record -> {
                            again.add(text(record.value()));
                            return Mono.empty();
                        })
                        .take(1))
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(again).first().isEqualTo("r0");
    }

    @Test
    void keyLanesAreRefusedOutOfRangeAndForANewestOffsetGroup() {
        assertThatThrownBy(() -> ConsumerSpec.of("g", "t").withKeyLanes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsumerSpec.of("g", "t")
                        .withKeyLanes(ConsumerSpec.MAX_KEY_LANES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConsumerSpec("g", List.of("t"),
                        ConsumerSpec.OffsetReset.LATEST, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Keys whose records go to another lane than {@code key}'s. */
    private static List<String> keysOutsideTheLaneOf(String key, int count) {
        int lane = KeyLanes.laneOf(key, LANES);
        return IntStream.range(0, 1_000).mapToObj(i -> "key-" + i)
                .filter(other -> KeyLanes.laneOf(other, LANES) != lane)
                .limit(count)
                .toList();
    }

    /**
     * A group that starts at the newest offset and has committed nothing in a partition yet (nothing arrived there)
     * still continues where it was when the partition is assigned again: here its stream is resubscribed, as
     * {@code TopicListener} does after a failure; after a broker restart the group rejoins, which is the same.
     * Kafka alone would place the partition at the newest offset again and skip what was published meanwhile.
     */
    @Test
    void aNewestOffsetStreamAssignedAgainContinuesWhereItWasThoughNothingWasCommitted() {
        String probes = uniqueTopic();
        String events = uniqueTopic();
        ensure(probes, 1);
        ensure(events, 1);
        ReactorKafkaAdapter kafka = adapter();
        List<String> handled = new CopyOnWriteArrayList<>();
        Flux<InboundRecord> stream = kafka.consume(new ConsumerSpec("latest-" + events, List.of(probes, events),
                ConsumerSpec.OffsetReset.LATEST), record -> {
                    handled.add(text(record.value()));
                    return Mono.empty();
                });

        // Running once a probe published after the subscription arrives; nothing is ever published to events yet.
        Disposable first = stream.subscribe();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!handled.contains("probe")) {
            assertThat(System.nanoTime()).as("a probe handled within %s", TIMEOUT).isLessThan(deadline);
            kafka.send(OutboundRecord.of(probes, "p", bytes("probe"))).block(TIMEOUT);
            Mono.delay(Duration.ofMillis(200)).block();
        }
        first.dispose();

        StepVerifier.create(kafka.sendAll(Flux.range(1, 3)
                        .map(i -> OutboundRecord.of(events, "room-1", bytes("e" + i)))))
                .expectNextCount(3)
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(stream.filter(record -> record.topic().equals(events))
                        .map(record -> text(record.value()))
                        .take(3))
                .expectNext("e1", "e2", "e3")
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void blockHoundIsWatchingThisTest() {
        // A canary, not a wait: the sleep on a parallel (non-blocking) thread is what BlockHound must reject, which
        // proves the other tests in this class run under it.
        StepVerifier.create(Mono.fromCallable(() -> {
                            Thread.sleep(1);
                            return "blocked";
                        })
                        .subscribeOn(reactor.core.scheduler.Schedulers.parallel()))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("Blocking call"))
                .verify(TIMEOUT);
    }

    private ReactorKafkaAdapter adapter() {
        ReactorKafkaAdapter adapter = new ReactorKafkaAdapter(properties);
        adapters.add(adapter);
        return adapter;
    }

    private void ensure(String topic, int partitions) {
        StepVerifier.create(topics.ensureTopics(List.of(TopicSpec.of(topic, partitions, 1))))
                .expectComplete()
                .verify(TIMEOUT);
    }

    private static String uniqueTopic() {
        return "it-" + UUID.randomUUID();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
