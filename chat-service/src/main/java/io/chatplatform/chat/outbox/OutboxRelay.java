package io.chatplatform.chat.outbox;

import io.chatplatform.chat.ChatProperties;
import io.chatplatform.chat.conversation.Conversation;
import io.chatplatform.chat.conversation.ConversationStore;
import io.chatplatform.chat.conversation.Member;
import io.chatplatform.chat.message.MessageStore;
import io.chatplatform.chat.message.StoredMessage;
import io.chatplatform.chat.observability.CurrentTrace;
import io.chatplatform.contracts.Topics;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.TopicSpec;
import io.chatplatform.support.redis.RedisPubSub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.function.Function;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the events stored in messages' outboxes, then clears them; see the package description.
 *
 * <p>Started and stopped with the context ({@code chat.chat-service.outbox.relay-enabled} decides whether it starts
 * by itself). Each pass: take the lease, read the {@link OutboxMarkers} (each conversation's messages in seq order),
 * load the documents they point to, publish a batch's events (Kafka records in one pipelined send, DM live events per
 * conversation in order), mark them published, clear the markers. Any failure ends the pass; the next one starts
 * again from the first marker still there, so a room's events never overtake each other and nothing is skipped (at
 * least once: consumers dedupe on event id). A pass runs on every poll tick and whenever this instance writes a
 * marker; now and then (and at start) a pass also searches every outbox for pending events without a marker.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Documents cleared, and DM conversations published, side by side within a batch. */
    private static final int CONCURRENCY = 32;
    /**
     * A search reads this many batches' markers at once. Reading the collection in order means sorting every
     * pending marker (the embedded server has no index to sort by); sorted once per batch, draining a backlog of N
     * markers cost N / batch sorts of up to N, which under overload took more than the messages themselves.
     */
    private static final int SEARCH_BATCHES = 20;
    /**
     * The search for unmarked outboxes reads this many pending outboxes a page (or a batch, if that is more). On the
     * embedded server every page read matches and sorts every pending outbox (it has an index for "pending", none
     * for the order), so a search through N pending outboxes cost N / page reads of N each: with pages of 200 and
     * 37,000 messages pending after an overload, a search took longer than its interval, and as each pass began with
     * it the relay published a batch about every 20 seconds. Not more: a page of messages is held in memory whole.
     */
    static final int UNMARKED_PAGE = 4_000;

    private final MessageStore messages;
    private final ConversationStore conversations;
    private final KafkaPublisher kafka;
    private final KafkaTopics topics;
    private final RedisPubSub redis;
    private final ChatProperties.Outbox properties;
    private final OutboxLease lease;
    private final OutboxMarkers markers;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    /**
     * Whether passes read the outbox collection (sorted, {@value #SEARCH_BATCHES} batches at a time) rather than the
     * markers this instance just wrote: at start, after any failure, after markers were dropped, and while another
     * instance holds the lease; cleared once a read came back with less than it asked for and all of it is published,
     * so nothing older is left behind.
     */
    private volatile boolean searching = true;
    /**
     * Where the search's next read goes on from: the last marker the previous read found (null: from the top). Each
     * read goes on after the previous one instead of starting again from the top, so a search goes through the
     * collection once and ends even while sends keep adding markers: started again from the top, it ended only when
     * one read found less than it asked for, which under a sustained load it might never do (and each read sorted the
     * whole backlog again). What is written behind this point meanwhile is newer than everything the search read of
     * its conversation: this instance's own markers wait in its list of written ones, other instances' for the
     * polls after the search.
     */
    private volatile OutboxMarkers.Marker searchedUpTo;
    /**
     * Markers the last search read and no pass has published yet, in (conversation, seq) order; passes take a batch
     * at a time. Emptied whenever a search starts, so a search always begins with a fresh read.
     */
    private final Queue<OutboxMarkers.Marker> searched = new ConcurrentLinkedQueue<>();
    /** Whether the last search read found fewer markers than it asked for: nothing older is left behind it. */
    private volatile boolean searchReadAll;
    /** Set by each poll tick: the next pass also reads the collection, for markers written by other instances. */
    private volatile boolean tickDue = true;
    /** When the next search for unmarked outboxes is due. */
    private volatile long recoveryDueMillis;
    /** Set at each start: the first pass searches every outbox whole before it publishes anything else. */
    private volatile boolean wholeSearchDue;
    /** The periodic search for unmarked outboxes while it is under way, a page per pass; null between searches. */
    private volatile UnmarkedSearch unmarkedSearch;
    private final Mono<Void> topicsReady;
    private volatile Disposable polling;
    /** Outboxes the periodic search found without a marker: each one a crash between two writes, worth an alert. */
    private final Counter unmarkedFound;

    OutboxRelay(MessageStore messages, ConversationStore conversations, KafkaPublisher kafka, KafkaTopics topics,
                RedisPubSub redis, ChatProperties properties, ReactiveMongoTemplate mongo, OutboxMarkers markers,
                Optional<Clock> clock, MeterRegistry registry) {
        this.messages = messages;
        this.conversations = conversations;
        this.kafka = kafka;
        this.topics = topics;
        this.redis = redis;
        this.properties = properties.outbox();
        this.clock = clock.orElse(Clock.systemUTC());
        this.markers = markers;
        this.lease = new OutboxLease(mongo, this.properties.leaseDuration(), this.clock);
        this.unmarkedFound = Counter.builder("chat.outbox.unmarked")
                .description("Outboxes the relay's periodic search found without a marker and published")
                .register(registry);
        // Until it succeeds once, each poll tries again (cache only the success).
        this.topicsReady = Mono.defer(() -> topics.ensureTopics(List.of(
                        TopicSpec.platformTopic(Topics.CHAT_ROOM_EVENTS),
                        TopicSpec.platformTopic(Topics.CHAT_MESSAGES))))
                .cache(done -> Duration.ofMillis(Long.MAX_VALUE), failed -> Duration.ZERO, () -> Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public boolean isAutoStartup() {
        return properties.relayEnabled();
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // Each start searches every outbox first: a crash may have kept markers from being written.
        wholeSearchDue = true;
        unmarkedSearch = null;
        startSearching();
        polling = Flux.merge(Flux.interval(Duration.ZERO, properties.pollInterval()).map(tick -> {
                            tickDue = true;
                            return Boolean.TRUE;
                        }),
                        markers.rings())
                // Ticks and rings during a pass collapse into one more pass, which reads everything pending.
                .onBackpressureLatest()
                // Deferred, so that even a failure while building a pass ends that pass only, not the loop. The
                // linger lets the messages stored meanwhile join the pass: every pass costs the same few round trips
                // however many messages it carries, so passes of one message each would cost more than the sends.
                .concatMap(tick -> lingered(Mono.defer(this::drain))
                        .onErrorResume(this::logAndRetryLater), 1)
                .subscribe();
        log.info("Outbox relay started, polling every {}", properties.pollInterval());
    }

    private Mono<Integer> lingered(Mono<Integer> pass) {
        Duration linger = properties.linger();
        return linger.isZero() ? pass : Mono.delay(linger).then(pass);
    }

    /** Fails open for this poll only: the events stay pending and the next poll publishes them. */
    private Mono<Integer> logAndRetryLater(Throwable failure) {
        log.warn("Outbox relay poll failed, retrying on the next poll: {}", failure.toString());
        return Mono.just(0);
    }

    @Override
    public void stop(Runnable callback) {
        if (!running.compareAndSet(true, false)) {
            callback.run();
            return;
        }
        Disposable current = polling;
        if (current != null) {
            current.dispose();
        }
        // Released without waiting on the caller's thread; if it fails the lease simply expires.
        lease.release()
                .onErrorResume(failure -> Mono.empty())
                .doFinally(signal -> callback.run())
                .subscribe();
        log.info("Outbox relay stopped");
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Passes until a pass finds less than a full batch. */
    private Mono<Integer> drain() {
        return relayOnce()
                .expand(published -> published >= properties.batchSize() ? relayOnce() : Mono.empty())
                .reduce(0, Integer::sum);
    }

    /** One pass; emits how many documents it published (0 without the lease). */
    public Mono<Integer> relayOnce() {
        return lease.acquire()
                .filter(Boolean::booleanValue)
                .flatMap(held -> topicsReady.then(recoverIfDue()).then(Mono.defer(this::publishNext)))
                .switchIfEmpty(Mono.fromCallable(this::standBy))
                // Whatever failed, the markers are still in the collection: search it until it is drained.
                .doOnError(failure -> startSearching());
    }

    /** Not the lease holder: its search finds this instance's markers, so the list of them is not kept. */
    private int standBy() {
        startSearching();
        markers.forgetWritten();
        return 0;
    }

    /** The next passes read the collection, starting with a fresh read from the top. */
    void startSearching() {
        searched.clear();
        searchedUpTo = null;
        searching = true;
    }

    /** Whether passes are reading the outbox collection rather than this instance's list of written markers. */
    boolean isSearching() {
        return searching;
    }

    /**
     * Normally the markers this instance wrote, in the order written; on poll ticks the markers other processes wrote;
     * the whole collection while {@link #searching}. Either way a conversation's events go out in seq order: a search returns every marker
     * written before it, in seq order, and the list after it repeats some of those (already published, so skipped).
     */
    private Mono<Integer> publishNext() {
        if (markers.takeWrittenLost()) {
            startSearching();
        }
        if (searching) {
            tickDue = false;
            return publishSearched();
        }
        Mono<Integer> fromOthers = Mono.just(0);
        if (tickDue) {
            tickDue = false;
            fromOthers = publishMarked(markers.pendingFromOthers(properties.batchSize()));
        }
        return fromOthers.flatMap(others -> publishWritten().map(own -> others + own));
    }

    /**
     * The next batch of the search: from the markers the last read found, reading the next {@value #SEARCH_BATCHES}
     * batches' worth after them when they are used up. The search ends once a read found less than it asked for and
     * all of it is published. Markers written after a read are newer than every marker of their conversation in it,
     * so they can wait for a later read (or, once the search ends, the list this instance wrote, or the next poll).
     */
    private Mono<Integer> publishSearched() {
        int batchSize = properties.batchSize();
        Mono<Void> read = Mono.empty();
        if (searched.isEmpty()) {
            int chunk = batchSize * SEARCH_BATCHES;
            read = markers.pendingAfter(searchedUpTo, chunk).collectList().doOnNext(found -> {
                searched.addAll(found);
                searchReadAll = found.size() < chunk;
                if (!found.isEmpty()) {
                    searchedUpTo = found.get(found.size() - 1);
                }
            }).then();
        }
        return read.then(Mono.defer(() -> {
            List<OutboxMarkers.Marker> batch = new ArrayList<>(Math.min(batchSize, searched.size()));
            OutboxMarkers.Marker next;
            while (batch.size() < batchSize && (next = searched.poll()) != null) {
                batch.add(next);
            }
            return publishMarked(Flux.fromIterable(batch)).doOnNext(published -> {
                if (searched.isEmpty() && searchReadAll) {
                    searching = false;
                }
            });
        }));
    }

    private Mono<Integer> publishWritten() {
        List<OutboxMarkers.Marker> written = markers.takeWritten(properties.batchSize());
        return written.isEmpty()
                ? Mono.just(0)
                : publishDocuments(written).then(markers.clearAll(written)).thenReturn(written.size());
    }

    /**
     * The search for outboxes nobody marked: whole, before anything else, at the first pass after a start (so that
     * what a crash left unmarked goes out before the later messages of its conversation); then every
     * {@code recovery-interval} after the last one ended, one page per pass, so that a search through a large backlog
     * does not hold up the passes that drain it.
     */
    private Mono<Integer> recoverIfDue() {
        if (wholeSearchDue) {
            UnmarkedSearch whole = new UnmarkedSearch();
            return whole.toEnd().doOnNext(found -> {
                wholeSearchDue = false;
                searchEnded(whole);
            });
        }
        UnmarkedSearch current = unmarkedSearch;
        if (current == null) {
            if (clock.millis() < recoveryDueMillis) {
                return Mono.just(0);
            }
            current = new UnmarkedSearch();
            unmarkedSearch = current;
        }
        UnmarkedSearch stepping = current;
        return stepping.step().doOnNext(found -> {
            if (stepping.done()) {
                unmarkedSearch = null;
                searchEnded(stepping);
            }
        });
    }

    /** The next search is due an interval after this one ended, however long it took. */
    private void searchEnded(UnmarkedSearch search) {
        recoveryDueMillis = clock.millis() + properties.recoveryInterval().toMillis();
        if (search.foundCount() > 0) {
            log.info("Outbox relay published the events of {} outboxes found without a marker", search.foundCount());
        }
    }

    private Mono<Integer> publishMarked(Flux<OutboxMarkers.Marker> pending) {
        return pending
                .collectList()
                .flatMap(marked -> marked.isEmpty()
                        ? Mono.just(0)
                        : publishDocuments(marked)
                                .then(markers.clearAll(marked))
                                .thenReturn(marked.size()));
    }

    /** The events of the documents the markers point to, messages first, each kind in batched steps. */
    private Mono<Void> publishDocuments(List<OutboxMarkers.Marker> marked) {
        return publishMarkedMessages(marked)
                .then(publishMarkedRooms(marked))
                .then(publishMarkedMembers(marked));
    }

    /**
     * The documents of one kind, each once in the order first marked: a document marked again (a released message,
     * a membership changed twice) can have two markers in one batch, and all its events go out with the first.
     */
    private static List<String> idsOf(List<OutboxMarkers.Marker> marked, String kind) {
        return marked.stream().filter(marker -> kind.equals(marker.kind()))
                .map(OutboxMarkers.Marker::documentId)
                .distinct()
                .toList();
    }

    /**
     * The batch's message events: every Kafka record in one pipelined send (the producer keeps each key's order),
     * DM live events per conversation in seq order, conversations side by side; then each outbox is cleared.
     */
    private Mono<Void> publishMarkedMessages(List<OutboxMarkers.Marker> marked) {
        List<String> ids = idsOf(marked, OutboxMarkers.MESSAGE);
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return messages.withEvents(ids)
                .collectMap(StoredMessage::id)
                .flatMap(byId -> {
                    List<StoredMessage> pending = ids.stream().map(byId::get)
                            .filter(message -> message != null && message.pendingEvents() != null
                                    && !message.pendingEvents().isEmpty())
                            .toList();
                    if (pending.isEmpty()) {
                        return Mono.empty();
                    }
                    Map<String, List<StoredMessage>> dmsByConversation = new LinkedHashMap<>();
                    List<OutboundRecord> records = new ArrayList<>();
                    for (StoredMessage message : pending) {
                        for (PendingEvent event : message.pendingEvents()) {
                            records.addAll(kafkaRecords(message, event));
                        }
                        if (message.isDm()) {
                            dmsByConversation.computeIfAbsent(message.conversationId(), id -> new ArrayList<>())
                                    .add(message);
                        }
                    }
                    Mono<Void> durable = kafka.sendAll(Flux.fromIterable(records)).then();
                    Mono<Void> live = Flux.fromIterable(dmsByConversation.values())
                            .flatMap(conversation -> Flux.fromIterable(conversation)
                                    .concatMap(this::publishLive), CONCURRENCY)
                            .then();
                    return Mono.when(durable, live)
                            .then(messages.markAllPublished(pending.stream().collect(Collectors.toMap(
                                    StoredMessage::id, message -> eventIds(message.pendingEvents()),
                                    (first, second) -> first, LinkedHashMap::new))));
                });
    }

    /**
     * The batch's room events (created, updated, deleted): every record in one pipelined send, keyed by the room like
     * its messages, then each room's outbox is cleared.
     */
    private Mono<Void> publishMarkedRooms(List<OutboxMarkers.Marker> marked) {
        List<String> ids = idsOf(marked, OutboxMarkers.ROOM);
        return ids.isEmpty() ? Mono.empty() : conversations.roomsById(ids)
                .filter(room -> !room.pendingEvents().isEmpty())
                .collectList()
                .flatMap(rooms -> kafka.sendAll(Flux.fromIterable(rooms)
                                .concatMapIterable(room -> roomRecords(room.id(), room.pendingEvents())))
                        .then(Flux.fromIterable(rooms)
                                .flatMap(room -> conversations.markPublished(room.id(),
                                        eventIds(room.pendingEvents())), CONCURRENCY)
                                .then()));
    }

    /**
     * The batch's membership events: a room's in one pipelined Kafka send, a DM's to both participants' Redis
     * channels (each membership's events in order), then each membership's outbox is cleared. Adding a thousand
     * members is a few round trips, not a thousand acknowledged sends one after another.
     */
    private Mono<Void> publishMarkedMembers(List<OutboxMarkers.Marker> marked) {
        List<String> ids = idsOf(marked, OutboxMarkers.MEMBER);
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return conversations.membersById(ids)
                .filter(member -> !member.pendingEvents().isEmpty())
                .collectList()
                .filter(members -> !members.isEmpty())
                .flatMap(members -> conversationsOf(members)
                        .flatMap(byId -> publishMemberEvents(members, byId)))
                .then();
    }

    /** The conversations the memberships belong to, deleted ones included (their events still go out). */
    private Mono<Map<String, Conversation>> conversationsOf(List<Member> members) {
        List<String> conversationIds = members.stream().map(Member::conversationId).distinct().toList();
        return conversations.roomsById(conversationIds).collectMap(Conversation::id);
    }

    private Mono<Void> publishMemberEvents(List<Member> members, Map<String, Conversation> byId) {
        List<Member> known = members.stream().filter(member -> byId.containsKey(member.conversationId())).toList();
        List<OutboundRecord> records = known.stream()
                .filter(member -> !byId.get(member.conversationId()).isDm())
                .flatMap(member -> roomRecords(member.conversationId(), member.pendingEvents()).stream())
                .toList();
        Mono<Void> live = Flux.fromIterable(known)
                .filter(member -> byId.get(member.conversationId()).isDm())
                .flatMap(member -> Flux.fromIterable(member.pendingEvents())
                        .concatMap(event -> Flux.fromIterable(byId.get(member.conversationId()).participants())
                                .concatMap(userId -> redis.publish(Topics.userChannel(userId), event.envelope()))
                                .then()), CONCURRENCY)
                .then();
        return Mono.when(kafka.sendAll(Flux.fromIterable(records)).then(), live)
                .then(Flux.fromIterable(known)
                        .flatMap(member -> conversations.markMemberPublished(member,
                                eventIds(member.pendingEvents())), CONCURRENCY)
                        .then());
    }

    private static List<OutboundRecord> roomRecords(String roomId, List<PendingEvent> events) {
        return events.stream()
                .map(event -> new OutboundRecord(Topics.CHAT_ROOM_EVENTS, roomId, event.envelope(), headers(event)))
                .toList();
    }

    private static List<String> eventIds(List<PendingEvent> events) {
        return events.stream().map(PendingEvent::eventId).toList();
    }

    /**
     * The search for outboxes nobody marked (a crash between storing the events and writing the marker), whole; emits
     * how many it found without a marker. See {@link UnmarkedSearch}.
     */
    Mono<Integer> publishUnmarked() {
        return Mono.defer(() -> new UnmarkedSearch().toEnd());
    }

    /**
     * One search through every pending outbox, a page at a time in a fixed order (messages by conversation and seq,
     * then rooms, then memberships, each by id), publishing the events of those without a marker by the same batched
     * steps as marked ones (there is no marker to clear afterwards). Marked ones are left to the passes that take
     * markers, so under load, when many outboxes are pending only because their pass has not come yet, an unmarked
     * one is still found, wherever it sorts. A conversation's events must still go out in seq order, and an unmarked
     * message may follow marked ones still pending: so for each conversation with an unmarked message in the page,
     * its pending messages up to the last unmarked one go out, marked or not, a batch at a time (their markers then
     * find nothing left to publish). A page that fails is read again by the next step.
     */
    private final class UnmarkedSearch {

        private static final int MESSAGES = 0;
        private static final int ROOMS = 1;
        private static final int MEMBERS = 2;

        // Volatile: the steps of one search run in successive passes, on whichever threads those run.
        private volatile int stage = MESSAGES;
        /** The last outbox of the previous page of this stage; null: from the first. */
        private volatile OutboxMarkers.Marker after;
        private volatile int found;

        boolean done() {
            return stage > MEMBERS;
        }

        int foundCount() {
            return found;
        }

        /** Every remaining page; emits how many unmarked outboxes this search found in all. */
        Mono<Integer> toEnd() {
            return step().expand(page -> done() ? Mono.empty() : step()).then(Mono.fromSupplier(() -> found));
        }

        /** The next page; emits how many unmarked outboxes it held. */
        Mono<Integer> step() {
            int limit = Math.max(properties.batchSize(), UNMARKED_PAGE);
            return page(limit).flatMap(page -> markers.existing(page.stream().map(OutboxMarkers.Marker::id).toList())
                    .map(marked -> page.stream().filter(pending -> !marked.contains(pending.id())).toList())
                    .flatMap(this::publish)
                    .map(unmarked -> {
                        found += unmarked.size();
                        unmarkedFound.increment(unmarked.size());
                        if (page.size() < limit) {
                            stage++;
                            after = null;
                        } else {
                            after = page.get(page.size() - 1);
                        }
                        return unmarked.size();
                    }));
        }

        private Mono<List<OutboxMarkers.Marker>> page(int limit) {
            Flux<OutboxMarkers.Marker> page = switch (stage) {
                case MESSAGES -> messages.pendingOutboxAfter(after == null ? null : after.conversationId(),
                                after == null ? 0 : after.seq(), limit)
                        .map(message -> found(OutboxMarkers.MESSAGE, message.id(), message.conversationId(),
                                message.seq()));
                case ROOMS -> conversations.pendingOutbox(after == null ? null : after.documentId(), limit)
                        .map(room -> found(OutboxMarkers.ROOM, room.id(), room.id(), 0));
                default -> conversations.pendingMemberEvents(after == null ? null : after.documentId(), limit)
                        .map(member -> found(OutboxMarkers.MEMBER, member.id(), member.conversationId(), 0));
            };
            return page.collectList();
        }

        private Mono<List<OutboxMarkers.Marker>> publish(List<OutboxMarkers.Marker> unmarked) {
            if (unmarked.isEmpty()) {
                return Mono.just(unmarked);
            }
            if (stage != MESSAGES) {
                return publishDocuments(unmarked).thenReturn(unmarked);
            }
            Map<String, Long> lastUnmarkedSeq = new LinkedHashMap<>();
            unmarked.forEach(message -> lastUnmarkedSeq.merge(message.conversationId(), message.seq(), Math::max));
            return Flux.fromIterable(lastUnmarkedSeq.entrySet())
                    .concatMap(last -> publishPendingUpTo(last.getKey(), last.getValue()))
                    .then(Mono.just(unmarked));
        }
    }

    /** One conversation's pending messages up to {@code upToSeq}, a batch at a time, in seq order. */
    private Mono<Void> publishPendingUpTo(String conversationId, long upToSeq) {
        int limit = properties.batchSize();
        return pages(limit, publishPageOf(conversationId, 0, upToSeq, limit),
                        last -> publishPageOf(conversationId, last.seq(), upToSeq, limit))
                .then();
    }

    private Mono<List<OutboxMarkers.Marker>> publishPageOf(String conversationId, long afterSeq, long upToSeq,
                                                           int limit) {
        return messages.pendingOutboxOf(conversationId, afterSeq, upToSeq, limit)
                .map(message -> found(OutboxMarkers.MESSAGE, message.id(), message.conversationId(), message.seq()))
                .collectList()
                .flatMap(page -> publishDocuments(page).thenReturn(page));
    }

    /** Pages of up to {@code limit}, each read after the last element of the one before, until one comes back short. */
    private static <T> Flux<List<T>> pages(int limit, Mono<List<T>> first, Function<T, Mono<List<T>>> after) {
        return first.expand(page -> page.size() < limit ? Mono.empty() : after.apply(page.get(page.size() - 1)));
    }

    private static OutboxMarkers.Marker found(String kind, String documentId, String conversationId, long seq) {
        return new OutboxMarkers.Marker(OutboxMarkers.idOf(kind, documentId), kind, documentId, conversationId, seq, 0);
    }

    private static Map<String, String> headers(PendingEvent event) {
        // The trace context of the request that stored the event also goes in the W3C header, for Kafka tooling.
        String traceparent = CurrentTrace.traceparentOf(event.envelope());
        return traceparent.isEmpty()
                ? Map.of("event-type", event.type(), "event-id", event.eventId())
                : Map.of("event-type", event.type(), "event-id", event.eventId(), "traceparent", traceparent);
    }

    /** Every message event goes to chat.messages; a room's also to chat.room-events, keyed by the conversation. */
    private static List<OutboundRecord> kafkaRecords(StoredMessage message, PendingEvent event) {
        Map<String, String> headers = headers(event);
        OutboundRecord all = new OutboundRecord(Topics.CHAT_MESSAGES, message.conversationId(), event.envelope(),
                headers);
        return message.isDm()
                ? List.of(all)
                : List.of(all, new OutboundRecord(Topics.CHAT_ROOM_EVENTS, message.conversationId(),
                        event.envelope(), headers));
    }

    /** A DM's events, in order, to both participants' Redis channels. */
    private Mono<Void> publishLive(StoredMessage message) {
        return Flux.fromIterable(message.pendingEvents())
                .concatMap(event -> publishLive(message, event))
                .then();
    }

    private Mono<Void> publishLive(StoredMessage message, PendingEvent event) {
        return Flux.fromIterable(message.participants())
                .flatMap(userId -> redis.publish(Topics.userChannel(userId), event.envelope()))
                .then();
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the Kafka/Redis clients it uses.
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
