package io.chatplatform.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Shares the field names (and short string values) of the documents the in-memory backend keeps. The wire decoder
 * makes new strings for every field name of every inserted document, so each stored chat message carried its own
 * copies of names like {@code conversationId}, and every young collection copied them while the document was new.
 * Stored documents hold one shared instance of each instead: a stored message went from 3.2 KB and 102 objects in the
 * heap to 2.1 KB and 59 (docs/benchmarks.md).
 *
 * <p>The pool is bounded: once it holds {@value #MAX_POOLED} strings, names and values not in it are kept as they
 * came, so documents whose field names are data (ids as keys) cannot grow it without end.
 */
final class CompactDocuments {

    /** Distinct strings shared; far more than the platform's field names and short values. */
    static final int MAX_POOLED = 4096;
    /** String values up to this length are shared too (kinds, states, types); longer ones are mostly ids or text. */
    static final int MAX_POOLED_VALUE_LENGTH = 16;

    private final Map<String, String> pool = new ConcurrentHashMap<>();

    /** A copy of {@code document} whose field names and short string values are the pooled instances. */
    Document compact(Document document) {
        Document compacted = new Document();
        for (Map.Entry<String, Object> field : document.entrySet()) {
            compacted.put(shared(field.getKey()), compactValue(field.getValue()));
        }
        return compacted;
    }

    private Object compactValue(Object value) {
        if (value instanceof String text) {
            return text.length() <= MAX_POOLED_VALUE_LENGTH ? shared(text) : text;
        }
        if (value instanceof Document nested) {
            return compact(nested);
        }
        if (value instanceof List<?> list) {
            // An ArrayList again: updates ($push, $pull) change stored lists in place.
            List<Object> compacted = new ArrayList<>(list.size());
            for (Object element : list) {
                compacted.add(compactValue(element));
            }
            return compacted;
        }
        return value;
    }

    private String shared(String text) {
        String pooled = pool.get(text);
        if (pooled != null) {
            return pooled;
        }
        if (pool.size() >= MAX_POOLED) {
            return text;
        }
        String raced = pool.putIfAbsent(text, text);
        return raced != null ? raced : text;
    }

    /** Strings pooled so far, for tests. */
    int pooled() {
        return pool.size();
    }
}
