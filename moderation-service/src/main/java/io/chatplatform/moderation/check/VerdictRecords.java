package io.chatplatform.moderation.check;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import io.chatplatform.support.reactor.GroupCommit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.springframework.data.mongodb.UncategorizedMongoDbException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The {@link VerdictRecord}s of the asynchronous check: whether a fact was checked already, and the record that it
 * was. Every message on {@code chat.messages} asks the one and writes the other, two MongoDB commands per message
 * one at a time; asked and written together ({@link GroupCommit}) with the others in flight at the same time (the
 * consumer's lanes), a busy stream shares them.
 */
@Component
class VerdictRecords {

    private static final int PER_COMMAND = 256;
    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);

    private final ReactiveMongoTemplate mongo;
    private final GroupCommit<Lookup> lookups = new GroupCommit<>(PER_COMMAND, this::lookUp,
            (lookup, failure) -> lookup.sink().error(failure));
    private final GroupCommit<Write> writes = new GroupCommit<>(PER_COMMAND, this::write,
            (write, failure) -> write.sink().error(failure));

    VerdictRecords(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Whether the fact has a record: it was checked and acted on before. */
    Mono<Boolean> recorded(String fact) {
        return Mono.create(sink -> lookups.add(new Lookup(fact, sink)));
    }

    /**
     * Records that the fact was checked. A record of the same fact already there (another delivery of the same
     * message checked it meanwhile) stands: both acted on the same fact.
     */
    Mono<Void> record(VerdictRecord record) {
        Document document = new Document();
        mongo.getConverter().write(record, document);
        return Mono.create(sink -> writes.add(new Write(document, sink)));
    }

    private Mono<Void> lookUp(List<Lookup> batch) {
        Set<String> facts = batch.stream().map(Lookup::fact).collect(Collectors.toSet());
        Query found = query(where("_id").in(facts));
        found.fields().include("_id");
        return mongo.find(found, Document.class, VerdictRecord.COLLECTION)
                .map(record -> record.getString("_id"))
                .collect(Collectors.toCollection(HashSet::new))
                .doOnNext(recorded -> batch.forEach(lookup -> lookup.sink().success(recorded.contains(lookup.fact()))))
                .then();
    }

    private Mono<Void> write(List<Write> batch) {
        List<Document> documents = new ArrayList<>(batch.size());
        batch.forEach(write -> documents.add(write.document()));
        return mongo.getCollection(VerdictRecord.COLLECTION)
                .flatMap(records -> Mono.from(records.insertMany(documents, UNORDERED)))
                .thenReturn(Map.<Integer, RuntimeException>of())
                .onErrorResume(MongoBulkWriteException.class, partly -> Mono.just(refusals(partly)))
                .doOnNext(refused -> {
                    for (int i = 0; i < batch.size(); i++) {
                        RuntimeException refusal = refused.get(i);
                        if (refusal == null) {
                            batch.get(i).sink().success();
                        } else {
                            batch.get(i).sink().error(refusal);
                        }
                    }
                })
                .then();
    }

    /** The records that could not be written, by index; one whose fact was recorded already is not among them. */
    private static Map<Integer, RuntimeException> refusals(MongoBulkWriteException partly) {
        Map<Integer, RuntimeException> refused = new HashMap<>();
        for (BulkWriteError error : partly.getWriteErrors()) {
            if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                refused.put(error.getIndex(), new UncategorizedMongoDbException(error.getMessage(), partly));
            }
        }
        return refused;
    }

    private record Lookup(String fact, MonoSink<Boolean> sink) {
    }

    private record Write(Document document, MonoSink<Void> sink) {
    }
}
