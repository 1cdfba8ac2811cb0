package io.chatplatform.infra;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Matches {@code {field: {$in: [strings]}}} conditions with a hash lookup instead of mongo-java-server's walk of the
 * list.
 *
 * <p>The server's matcher compares a document's value with each element of an {@code $in} list in turn, normalizing
 * both every time: a query for the members among 1,000 users matched each candidate against all 1,000 (tens of
 * milliseconds per query, under the collection's lock, so every other reader of the collection waited too). When a
 * query has top-level {@code $in} conditions whose lists hold only strings, those conditions are checked here, against
 * a set built once per query, for every document whose value there is a plain string (for strings, the matcher's
 * equality is {@link String#equals}); the rest of the query, and every document with another kind of value there (an
 * array, a missing field, a number), goes to the server's matcher as before. Results are unchanged.
 *
 * <p>The query prepared last is kept with the query it was prepared from, as one value: a caller that matches another
 * query meanwhile replaces both together and never sees one query's preparation for another.
 */
final class StringInLists {

    /** Shorter lists are walked as fast as they are hashed. */
    private static final int MIN_SIZE = 8;

    private final BiPredicate<Document, Document> matcher;
    private volatile Prepared last;

    /** @param matcher the server's matcher: a document and a query */
    StringInLists(BiPredicate<Document, Document> matcher) {
        this.matcher = matcher;
    }

    /**
     * A query split into its string {@code $in} conditions (field to set, null when it has none worth hashing) and
     * everything else.
     */
    private record Prepared(Document query, Map<String, Set<String>> in, Document rest) {
    }

    boolean matches(Document document, Document query) {
        Prepared prepared = prepare(query);
        if (prepared.in() == null) {
            return matcher.test(document, query);
        }
        for (Map.Entry<String, Set<String>> condition : prepared.in().entrySet()) {
            Object value = document.get(condition.getKey());
            if (!(value instanceof String text)) {
                return matcher.test(document, query);
            }
            if (!condition.getValue().contains(text)) {
                return false;
            }
        }
        return prepared.rest().isEmpty() || matcher.test(document, prepared.rest());
    }

    /** The same query object is matched against every candidate of one request: prepared once. */
    private Prepared prepare(Document query) {
        Prepared prepared = last;
        if (prepared == null || prepared.query() != query) {
            prepared = split(query);
            last = prepared;
        }
        return prepared;
    }

    private static Prepared split(Document query) {
        Map<String, Set<String>> in = null;
        for (Map.Entry<String, Object> condition : query.entrySet()) {
            Set<String> strings = stringIn(condition.getKey(), condition.getValue());
            if (strings != null) {
                if (in == null) {
                    in = new java.util.LinkedHashMap<>();
                }
                in.put(condition.getKey(), strings);
            }
        }
        if (in == null) {
            return new Prepared(query, null, null);
        }
        Document rest = new Document();
        for (Map.Entry<String, Object> condition : query.entrySet()) {
            if (!in.containsKey(condition.getKey())) {
                rest.put(condition.getKey(), condition.getValue());
            }
        }
        return new Prepared(query, in, rest);
    }

    private static Set<String> stringIn(String field, Object condition) {
        if (field.startsWith("$") || field.indexOf('.') >= 0
                || !(condition instanceof Document operators) || operators.size() != 1
                || !(operators.get("$in") instanceof Collection<?> list) || list.size() < MIN_SIZE) {
            return null;
        }
        Set<String> strings = new HashSet<>(list.size() * 2);
        for (Object element : list) {
            if (!(element instanceof String text)) {
                return null;
            }
            strings.add(text);
        }
        return strings;
    }
}
