package io.chatplatform.moderation;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.chatplatform.support.problem.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.http.HttpStatus;

/**
 * Newest-first keyset paging shared by flags and the audit log: the cursor is the last item's
 * {@code <epoch millis>_<id>}, and the next page starts strictly after it.
 */
public final class Paging {

    /** Server default and cap of a page. */
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** Sort by the time field, then id, both descending. */
    public static final Function<String, Sort> NEWEST_FIRST = field -> Sort.by(Sort.Direction.DESC, field, "_id");

    private Paging() {
    }

    /** A page of items and the cursor of the next one (empty at the end). */
    public record Page<T>(List<T> items, String nextCursor) {

        public boolean hasMore() {
            return !nextCursor.isEmpty();
        }
    }

    /** The asked limit within bounds: 0 means the default. */
    public static int limit(int asked) {
        if (asked < 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "page limit must not be negative");
        }
        return asked == 0 ? DEFAULT_LIMIT : Math.min(asked, MAX_LIMIT);
    }

    public static String cursor(Instant at, String id) {
        return at.toEpochMilli() + "_" + id;
    }

    /** The criterion "after the cursor" in newest-first order; empty for no cursor. */
    public static Optional<Criteria> after(String cursor, String timeField) {
        if (cursor == null || cursor.isEmpty()) {
            return Optional.empty();
        }
        int separator = cursor.indexOf('_');
        try {
            Instant at = Instant.ofEpochMilli(Long.parseLong(cursor.substring(0, separator)));
            String id = cursor.substring(separator + 1);
            return Optional.of(new Criteria().orOperator(where(timeField).lt(at),
                    new Criteria().andOperator(where(timeField).is(at), where("_id").lt(id))));
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "the page cursor is not one this service returned");
        }
    }

    /** Cuts the one-extra item fetched to know whether more follow. */
    public static <T> Page<T> page(List<T> fetched, int limit, Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, "");
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
    }
}
