package io.chatplatform.infra;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A non-unique index for mongo-java-server, which otherwise ignores every index that is not unique ("adding secondary
 * index ... is not yet implemented. ignoring") and scans the whole collection for a query such as "the members of
 * room X": with thousands of members, every room message then scanned them all, where a real MongoDB uses the index.
 *
 * <p>It serves queries that pin the index's first key to plain values (equality or {@code $in}): it hands the server
 * the documents with those values as candidates, and the server matches them against the whole query, sorts and
 * limits as before. Results are unchanged; only the candidates are fewer. Other keys of a compound index are not used.
 * The index lives in memory and is rebuilt from the documents when the collection is opened.
 *
 * <p>Only called under the collection's lock (mongo-java-server synchronizes each collection), so plain maps do.
 *
 * @param <P> the backend's document position type
 */
final class EqualityIndex<P> extends Index<P> implements CheapestIndex.Estimating {

    /** Documents without the key are kept under this value, so that removing them finds their position. */
    private static final Object MISSING = new Object();

    private final String firstKey;
    private final boolean firstKeyPlain;
    /** The keys this index uses: only the first one. */
    private final List<IndexKey> indexedKeys;
    /** First-key value (normalized) to the positions of the documents with it, by their normalized {@code _id}. */
    private final Map<Object, Map<Object, P>> entries = new HashMap<>();
    private long count;

    EqualityIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.firstKey = keys.get(0).getKey();
        this.firstKeyPlain = NarrowingIndex.isPlainPath(firstKey);
        this.indexedKeys = List.of(keys.get(0));
    }

    @Override
    public boolean canHandle(Document query) {
        return query.containsKey(firstKey) && NarrowingIndex.plainValues(query.get(firstKey)) != null;
    }

    @Override
    public Iterable<P> getPositions(Document query) {
        List<Object> values = NarrowingIndex.plainValues(query.get(firstKey));
        Set<P> positions = new LinkedHashSet<>();
        for (Object value : values) {
            Map<Object, P> documents = entries.get(normalized(value));
            if (documents != null) {
                positions.addAll(documents.values());
            }
        }
        return positions;
    }

    /** The number of documents {@link #getPositions} hands out, counted without collecting them. */
    @Override
    public long candidates(Document query, long atMost) {
        long candidates = 0;
        for (Object value : NarrowingIndex.plainValues(query.get(firstKey))) {
            Map<Object, P> documents = entries.get(normalized(value));
            if (documents != null) {
                candidates += documents.size();
                if (candidates > atMost) {
                    break;
                }
            }
        }
        return candidates;
    }

    @Override
    public void add(Document document, P position, MongoCollection<P> collection) {
        Object id = normalized(document.get("_id"));
        for (Object value : values(document)) {
            if (entries.computeIfAbsent(value, key -> new LinkedHashMap<>()).put(id, position) == null) {
                count++;
            }
        }
    }

    @Override
    public P remove(Document document) {
        return remove(document, values(document));
    }

    private P remove(Document document, Collection<Object> values) {
        Object id = normalized(document.get("_id"));
        P removed = null;
        for (Object value : values) {
            Map<Object, P> documents = entries.get(value);
            if (documents == null) {
                continue;
            }
            P position = documents.remove(id);
            if (position != null) {
                removed = position;
                count--;
                if (documents.isEmpty()) {
                    entries.remove(value);
                }
            }
        }
        return removed;
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, P position,
                              MongoCollection<P> collection) {
        if (NarrowingIndex.sameKeyValues(indexedKeys, oldDocument, newDocument)) {
            // The indexed key did not change: no need to compute both value sets.
            return;
        }
        Set<Object> before = values(oldDocument);
        Set<Object> after = values(newDocument);
        if (before.equals(after)) {
            return;
        }
        remove(oldDocument, before);
        add(newDocument, position, collection);
    }

    /**
     * The normalized values the document is found under: an array is found under each of its elements, as MongoDB's
     * multikey indexes do; a missing key under {@link #MISSING} unless the index is sparse.
     */
    private Set<Object> values(Document document) {
        // A plain field name is a direct lookup; the library's path walk splits the name with a regular expression.
        Object value = firstKeyPlain
                ? document.getOrMissing(firstKey)
                : Utils.getSubdocumentValueCollectionAware(document, firstKey);
        Set<Object> values = new LinkedHashSet<>();
        if (value instanceof Collection<?> elements) {
            elements.forEach(element -> values.add(normalized(element)));
        } else if (value == null || value instanceof Missing) {
            if (!isSparse()) {
                values.add(MISSING);
            }
        } else {
            values.add(normalized(value));
        }
        return values;
    }

    /**
     * Equal as the query matcher sees it (1, 1L and 1.0 are one value). A value the library's normalization leaves as
     * it is (a string, a boolean, an id) is its own key: every insert, update and lookup passes its room, user and
     * {@code _id} values through here, and the library's way builds a key and a stream for each (4.4% of the
     * allocation samples of chat-send at 3,000/s). Such a value never equals a {@link KeyValue}, so the two kinds of
     * key cannot collide.
     */
    static Object normalized(Object value) {
        return NarrowingIndex.normalizesToItself(value) ? value : new KeyValue(value).normalized();
    }

    @Override
    public P getPosition(Document document) {
        // Not unique: a document's values do not name one position.
        return null;
    }

    @Override
    public void checkAdd(Document document, MongoCollection<P> collection) {
        // Not unique: nothing to refuse.
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
        // Not unique: nothing to refuse.
    }

    @Override
    public long getCount() {
        return count;
    }

    @Override
    public long getDataSize() {
        return count;
    }

    @Override
    public void drop() {
        entries.clear();
        count = 0;
    }
}
