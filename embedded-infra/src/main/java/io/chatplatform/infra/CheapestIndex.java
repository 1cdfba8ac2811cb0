package io.chatplatform.infra;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;

/**
 * Which index serves a query: the one that hands the server the fewest documents to match.
 *
 * <p>mongo-java-server takes the first index that can serve a query, in the order the indexes were created. With our
 * non-unique indexes that choice can be far off: {@code {conversationId: {$in: [c]}, userId: {$in: [1,000 users]}}} on
 * a collection indexed by user and by conversation took the index by user, and matched every membership of those
 * 1,000 users (each against the 1,000-element list) instead of the hundred members of one conversation. MongoDB's
 * planner would not. Indexes that can say how many documents they would hand out ({@link Estimating}) are compared;
 * any other index that can serve the query counts as worse than every estimate, and ties keep the creation order.
 */
final class CheapestIndex {

    private CheapestIndex() {
    }

    /** An index that can count, cheaply and without building them, the documents it would hand out for a query. */
    interface Estimating {

        /**
         * How many documents the index hands out for {@code query}, or any number above {@code atMost} once it is
         * known to be more (the count stops there). Called only when the index {@link Index#canHandle can handle}
         * the query.
         */
        long candidates(Document query, long atMost);
    }

    /**
     * A collection's answer to {@code query}: matched from the cheapest index's documents, or {@code scan} (the
     * library's own query, which scans) when no index can serve it. One body for both backends' collections.
     */
    static <P> QueryResult serve(List<Index<P>> indexes, Document query,
                                 Function<Iterable<P>, QueryResult> matchPositions, Supplier<QueryResult> scan) {
        Index<P> index = of(indexes, query);
        return index == null ? scan.get() : matchPositions.apply(index.getPositions(query));
    }

    /** The index to serve {@code query}, or null when none can (the collection is scanned). */
    static <P> Index<P> of(List<Index<P>> indexes, Document query) {
        Index<P> best = null;
        long fewest = Long.MAX_VALUE;
        for (Index<P> index : indexes) {
            if (!index.canHandle(query)) {
                continue;
            }
            // A count that passes the best one so far stops: an index by user asked about 1,000 users is not
            // counted through once an index by room has offered a hundred documents.
            long candidates = index instanceof Estimating estimating
                    ? estimating.candidates(query, best == null ? Long.MAX_VALUE - 1 : fewest - 1)
                    : Long.MAX_VALUE - 1;
            if (best == null || candidates < fewest) {
                best = index;
                fewest = candidates;
            }
            if (fewest == 0) {
                break;
            }
        }
        return best;
    }
}
