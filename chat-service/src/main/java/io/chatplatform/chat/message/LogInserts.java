package io.chatplatform.chat.message;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import io.chatplatform.chat.outbox.OutboxMarkers;
import io.chatplatform.support.reactor.GroupCommit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.UncategorizedMongoDbException;
import org.springframework.data.mongodb.core.MongoExceptionTranslator;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.event.AfterSaveEvent;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit ({@link GroupCommit}) for new log entries: entries that arrive while a write is in flight wait for it
 * and then go together, one {@code insertMany} for the entries and one for their relay markers, however many
 * conversations they belong to.
 *
 * <p>Each entry keeps its own outcome: the insert is unordered, and an entry the unique indexes refuse (its seq was
 * taken, or its {@code (senderId, clientMsgId)} was stored before) fails alone with a {@link DuplicateKeyException}
 * naming the index, as a single insert would. An entry's turn in its conversation ({@link ConversationAppendQueue})
 * lasts until its outcome is known, so a batch holds at most one entry per conversation.
 */
final class LogInserts {

    /** Entries per round trip; far below MongoDB's own batch limits, and enough to absorb a burst. */
    private static final int MAX_BATCH = 256;
    /** What the template would make of a driver error, so callers see the same exceptions as from a single insert. */
    private static final MongoExceptionTranslator TRANSLATOR = new MongoExceptionTranslator();
    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);

    private final ReactiveMongoTemplate mongo;
    private final OutboxMarkers markers;
    private final ApplicationEventPublisher events;
    private final String collection;
    private final GroupCommit<Pending> batches = new GroupCommit<>(MAX_BATCH, this::write,
            (pending, failure) -> pending.sink().error(translate(failure)));

    LogInserts(ReactiveMongoTemplate mongo, OutboxMarkers markers, ApplicationEventPublisher events) {
        this.mongo = mongo;
        this.markers = markers;
        this.events = events;
        this.collection = mongo.getCollectionName(StoredMessage.class);
    }

    /**
     * Stores the entry and marks its events for the relay; emits it once stored. A marker that cannot be written
     * loses nothing (the relay's search of pending outboxes finds the entry later), so only the insert can fail.
     */
    Mono<StoredMessage> insert(StoredMessage entry) {
        Document document = new Document();
        mongo.getConverter().write(entry, document);
        return Mono.<StoredMessage>create(sink -> {
                    batches.add(new Pending(entry, document, sink));
                })
                // As the template's insert does: listeners (the stored-messages metric) hear of every stored entry,
                // here under the trace of the request that stored it.
                .doOnNext(stored -> events.publishEvent(new AfterSaveEvent<>(stored, document, collection)));
    }

    private Mono<Void> write(List<Pending> batch) {
        List<Document> documents = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            documents.add(pending.document());
        }
        return mongo.getCollection(collection)
                .flatMap(entries -> Mono.from(entries.insertMany(documents, UNORDERED)))
                .thenReturn(Map.<Integer, RuntimeException>of())
                .onErrorResume(MongoBulkWriteException.class, partly -> Mono.just(refusals(partly)))
                .flatMap(refused -> markStored(batch, refused).thenReturn(refused))
                .doOnNext(refused -> settle(batch, refused))
                .then();
    }

    /** The relay's markers for the entries that were stored, in the batch's order (each conversation's seq order). */
    private Mono<Void> markStored(List<Pending> batch, Map<Integer, RuntimeException> refused) {
        List<OutboxMarkers.NewMarker> stored = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (!refused.containsKey(i)) {
                StoredMessage entry = batch.get(i).entry();
                stored.add(new OutboxMarkers.NewMarker(OutboxMarkers.MESSAGE, entry.id(), entry.conversationId(),
                        entry.seq()));
            }
        }
        return markers.markAllNew(stored).onErrorResume(failure -> Mono.empty());
    }

    private static void settle(List<Pending> batch, Map<Integer, RuntimeException> refused) {
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            RuntimeException refusal = refused.get(i);
            if (refusal == null) {
                pending.sink().success(pending.entry());
            } else {
                pending.sink().error(refusal);
            }
        }
    }

    /** Per refused entry (by its index in the batch), the error a single insert would have raised. */
    private static Map<Integer, RuntimeException> refusals(MongoBulkWriteException partly) {
        Map<Integer, RuntimeException> refused = new HashMap<>();
        for (BulkWriteError error : partly.getWriteErrors()) {
            refused.put(error.getIndex(), ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY
                    ? new DuplicateKeyException(error.getMessage())
                    : new UncategorizedMongoDbException(error.getMessage(), partly));
        }
        return refused;
    }

    private static RuntimeException translate(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            DataAccessException translated = TRANSLATOR.translateExceptionIfPossible(runtime);
            return translated != null ? translated : runtime;
        }
        return new IllegalStateException(failure);
    }

    private record Pending(StoredMessage entry, Document document, MonoSink<StoredMessage> sink) {
    }
}
