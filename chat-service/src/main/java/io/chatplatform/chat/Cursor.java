package io.chatplatform.chat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Opaque list cursors: the sort key of the last item of a page, base64url-encoded so clients treat it as a token and
 * never build one. A cursor that does not decode into the expected number of parts is a 400 naming {@code cursor}.
 */
public final class Cursor {

    private static final String SEPARATOR = "\u0000";

    private Cursor() {
    }

    public static String encode(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(SEPARATOR, parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of {@code cursor}, which must have exactly {@code count} of them. */
    public static List<String> decode(String cursor, int count) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            List<String> parts = List.of(decoded.split(SEPARATOR, -1));
            if (parts.size() != count) {
                throw Problems.invalid("cursor", "not a cursor this list returned");
            }
            return parts;
        } catch (IllegalArgumentException e) {
            throw Problems.invalid("cursor", "not a cursor this list returned");
        }
    }

    /**
     * One page of a list.
     *
     * @param items      the page, in list order
     * @param nextCursor pass as {@code cursor} for the next page; null on the last page
     */
    public record Page<T>(List<T> items, String nextCursor) {
    }
}
