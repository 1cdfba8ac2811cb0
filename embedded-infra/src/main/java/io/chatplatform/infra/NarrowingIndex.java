package io.chatplatform.infra;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.exception.KeyConstraintError;

/**
 * A unique index of mongo-java-server that also serves queries it does not match exactly.
 *
 * <p>mongo-java-server uses an index only when a query names exactly the index's keys, each with a plain value (or
 * {@code $in} on a single-key index). Anything more, {@code {_id: x, deleted: false}} for instance, or {@code $in}
 * on one key of a compound index, scans the whole collection: a conditional update by id then costs as much as a
 * collection scan, which a real MongoDB would never do. This wrapper narrows such a query to its index keys (plain
 * values, or {@code $in} lists expanded into exact lookups), takes those documents from the index, and lets the
 * server match them against the whole query as before. Results are unchanged; only the candidates are fewer.
 *
 * @param <P> the backend's document position type
 */
final class NarrowingIndex<P> extends Index<P> implements CheapestIndex.Estimating {

    /** Beyond this many exact lookups (a cartesian product of {@code $in} lists) a scan is the better plan. */
    private static final int MAX_LOOKUPS = 2_000;

    /** Immutable values whose {@code equals} within one class means one index key (see {@link #sameKeyValues}). */
    private static final Set<Class<?>> PLAIN_SCALARS = Set.of(String.class, Integer.class, Long.class, Double.class,
            Boolean.class);

    private final Index<P> delegate;

    NarrowingIndex(Index<P> delegate, boolean sparse) {
        super(delegate.getName(), delegate.getKeys(), sparse);
        this.delegate = delegate;
    }

    @Override
    public boolean canHandle(Document query) {
        return delegate.canHandle(query) || lookups(query) != null;
    }

    /**
     * A unique index holds at most one document per exact lookup: the product of the values each key allows, counted
     * without building the lookups ({@link #canHandle} and {@link #getPositions} already build them).
     */
    @Override
    public long candidates(Document query, long atMost) {
        long lookups = 1;
        for (IndexKey indexKey : getKeys()) {
            List<Object> values = plainValues(query.get(indexKey.getKey()));
            if (values == null) {
                return 1;
            }
            lookups *= values.size();
        }
        return lookups;
    }

    @Override
    public Iterable<P> getPositions(Document query) {
        if (delegate.canHandle(query)) {
            return delegate.getPositions(query);
        }
        List<Document> lookups = lookups(query);
        Set<P> positions = new LinkedHashSet<>();
        for (Document lookup : lookups) {
            delegate.getPositions(lookup).forEach(positions::add);
        }
        return positions;
    }

    /**
     * The exact lookups that together hold every document the query can match, or null when the query does not
     * pin each index key to plain values.
     */
    List<Document> lookups(Document query) {
        List<Document> lookups = List.of(new Document());
        for (IndexKey indexKey : getKeys()) {
            String key = indexKey.getKey();
            if (!query.containsKey(key)) {
                return null;
            }
            List<Object> values = plainValues(query.get(key));
            if (values == null || (long) lookups.size() * values.size() > MAX_LOOKUPS) {
                return null;
            }
            List<Document> expanded = new ArrayList<>(lookups.size() * values.size());
            for (Document partial : lookups) {
                for (Object value : values) {
                    Document next = new Document(partial);
                    next.put(key, value);
                    expanded.add(next);
                }
            }
            lookups = expanded;
        }
        for (Document lookup : lookups) {
            if (!delegate.canHandle(lookup)) {
                return null;
            }
        }
        return lookups;
    }

    /** The values an equality or {@code $in} condition allows, or null for anything an exact lookup cannot serve. */
    static List<Object> plainValues(Object condition) {
        if (condition instanceof Document operators) {
            if (operators.size() != 1 || !(operators.get("$in") instanceof Collection<?> in)) {
                return null;
            }
            List<Object> values = new ArrayList<>(in.size());
            for (Object value : in) {
                if (!isPlain(value)) {
                    return null;
                }
                values.add(value);
            }
            return values;
        }
        return isPlain(condition) ? List.of(condition) : null;
    }

    /** Null matches missing fields and arrays match by element: both differ from an exact key, so they scan. */
    private static boolean isPlain(Object value) {
        return value != null
                && !(value instanceof Document)
                && !(value instanceof Collection<?>)
                && !(value instanceof Pattern)
                && !BsonRegularExpression.isRegularExpression(value);
    }

    @Override
    public boolean isUnique() {
        return delegate.isUnique();
    }

    @Override
    public P getPosition(Document document) {
        return delegate.getPosition(document);
    }

    @Override
    public void checkAdd(Document document, MongoCollection<P> collection) {
        delegate.checkAdd(document, collection);
    }

    @Override
    public void add(Document document, P position, MongoCollection<P> collection) {
        delegate.add(document, position, collection);
    }

    @Override
    public P remove(Document document) {
        return delegate.remove(document);
    }

    @Override
    public long getCount() {
        return delegate.getCount();
    }

    @Override
    public long getDataSize() {
        return delegate.getDataSize();
    }

    /**
     * An update that leaves the index's keys as they were changes nothing here, as the delegate would also find, but
     * only after building and normalizing both documents' key sets: most updates (publishing an outbox, a read marker)
     * change other fields, and that work was 4.6% of the samples of a profile of message sends.
     */
    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
        if (!sameKeyValues(getKeys(), oldDocument, newDocument)) {
            delegate.checkUpdate(oldDocument, newDocument, collection);
        }
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection)
            throws KeyConstraintError {
        if (!sameKeyValues(getKeys(), oldDocument, newDocument)) {
            delegate.updateInPlace(oldDocument, newDocument, position, collection);
        }
    }

    /**
     * Whether both documents hold, for each key, the same value: both absent, the same object, or equal strings,
     * integers, longs, doubles or booleans of one class. Then their index keys are equal. False is only "not told
     * cheaply" (a dotted path, a document or an array, 1 and 1L): the caller then compares the index keys in full.
     */
    static boolean sameKeyValues(List<IndexKey> keys, Document before, Document after) {
        for (IndexKey indexKey : keys) {
            String key = indexKey.getKey();
            if (!isPlainPath(key) || before.containsKey(key) != after.containsKey(key)) {
                return false;
            }
            Object was = before.get(key);
            Object is = after.get(key);
            if (was != is && (was == null || is == null || was.getClass() != is.getClass()
                    || !PLAIN_SCALARS.contains(was.getClass()) || !was.equals(is))) {
                return false;
            }
        }
        return true;
    }

    /** A key path that is one field name (no dots): its value is a direct lookup in the document. */
    static boolean isPlainPath(String key) {
        return key.indexOf('.') < 0;
    }

    /**
     * Whether the library's key normalization ({@code KeyValue#normalized}) leaves the value as it is: it changes only
     * numbers (1, 1L and 1.0 are one key), documents, arrays and missing values, so a string, a boolean or an id is
     * its own normal form and needs no rebuilt key.
     */
    static boolean normalizesToItself(Object value) {
        return value instanceof String || value instanceof Boolean || value instanceof ObjectId
                || value instanceof UUID;
    }

    @Override
    public void drop() {
        delegate.drop();
    }
}
