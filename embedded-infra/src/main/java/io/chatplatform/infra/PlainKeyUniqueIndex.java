package io.chatplatform.infra;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.DuplicateKeyError;

/**
 * The memory backend's unique index, with a document's key read directly when it can be.
 *
 * <p>mongo-java-server works out a document's key for a unique index by splitting every key path with a regular
 * expression and collecting the values through streams, and does so three times per index for every insert (the
 * collection's check, then the index's add, which checks again before it stores). In an allocation profile of message
 * sends the path splitting for these keys alone was 6% of all bytes, the key lists, sets and streams around it several
 * percent more, and the young collections all that garbage feeds set the send latency's p99. Here a key whose paths
 * are all plain field names present in the document, none holding an array, is read with one lookup per field; it is
 * the same key the library computes ({@code KeyValue#normalized} applies the library's own normalization), so
 * duplicates are found exactly as before. Anything else (a dotted path, a missing field, an array) goes the library's
 * way.
 */
final class PlainKeyUniqueIndex extends MemoryUniqueIndex {

    private final List<String> keys;
    private final Set<String> keySet;
    /** Whether every key path is a plain field name, so that its value is a direct lookup. */
    private final boolean plainPaths;

    PlainKeyUniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.keys = keys.stream().map(IndexKey::getKey).toList();
        this.keySet = Collections.unmodifiableSet(new LinkedHashSet<>(this.keys));
        this.plainPaths = this.keys.stream().allMatch(NarrowingIndex::isPlainPath);
    }

    /** The library builds these lists anew on every call, several times per insert. */
    @Override
    protected List<String> keys() {
        return keys;
    }

    @Override
    protected Set<String> keySet() {
        return keySet;
    }

    @Override
    public Set<KeyValue> getKeyValues(Document document) {
        KeyValue key = plainKey(document);
        return key == null ? super.getKeyValues(document) : Collections.singleton(normalized(key));
    }

    @Override
    public synchronized void checkAdd(Document document, MongoCollection<Integer> collection) {
        KeyValue key = plainKey(document);
        if (key == null) {
            super.checkAdd(document, collection);
        } else if (containsKey(normalized(key))) {
            throw new DuplicateKeyError(this, collection, getKeys(), key);
        }
    }

    /**
     * The key as the library normalizes it. Strings, booleans, ids and nulls (an {@code _id}, a conversation id)
     * normalize to themselves, so only keys holding a number (1 and 1L are one key) or a document are rebuilt.
     */
    static KeyValue normalized(KeyValue key) {
        for (Object value : key) {
            if (value != null && !NarrowingIndex.normalizesToItself(value)) {
                return key.normalized();
            }
        }
        return key;
    }

    /**
     * The document's key as stored (not yet normalized), or null when the library's way is needed: a dotted path, a
     * missing field (a sparse index skips the document, others index it as null), or an array (one key per element).
     */
    KeyValue plainKey(Document document) {
        // With every key present a sparse index indexes the document like any other, so sparseness needs no check.
        if (!plainPaths) {
            return null;
        }
        Object[] values = new Object[keys.size()];
        for (int i = 0; i < values.length; i++) {
            String key = keys.get(i);
            Object value = document.get(key);
            if (value == null && !document.containsKey(key) || value instanceof Collection<?>) {
                return null;
            }
            values[i] = value;
        }
        return new KeyValue(Arrays.asList(values));
    }
}
