package io.chatplatform.chat;

import io.chatplatform.support.problem.ApiException;
import io.chatplatform.support.problem.InvalidField;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/** The problem types chat-service answers with; one place so REST and gRPC agree on them. */
public final class Problems {

    /** Conversation and user ids: what auth-service and this service issue; anything else is refused before a query. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private Problems() {
    }

    public static ApiException conversationNotFound(String conversationId) {
        return new ApiException(HttpStatus.NOT_FOUND, URI.create("https://chat.example/problems/conversation-not-found"),
                "Conversation not found", "No conversation " + conversationId + ".",
                Map.of("conversationId", conversationId));
    }

    public static ApiException notAMember(String conversationId) {
        return new ApiException(HttpStatus.FORBIDDEN, URI.create("https://chat.example/problems/not-a-member"),
                "Not a member", "You are not a member of conversation " + conversationId + ".",
                Map.of("conversationId", conversationId));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, URI.create("https://chat.example/problems/forbidden"),
                "Forbidden", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, URI.create("https://chat.example/problems/conflict"),
                "Conflict", detail);
    }

    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new InvalidField(field, message)));
    }

    public static ApiException invalid(List<InvalidField> errors) {
        return new ApiException(HttpStatus.BAD_REQUEST, URI.create("https://chat.example/problems/invalid-request"),
                "Invalid request", errors.get(0).field() + ": " + errors.get(0).message(), Map.of("errors", errors));
    }

    /**
     * Whether {@code text} is valid Unicode: no lone surrogate (JSON's {@code "\uD800"} decodes to one). Such text
     * cannot be stored or sent as UTF-8 unchanged, so it is refused rather than silently altered.
     */
    public static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a path or body id has the shape of an id, so malformed ones get a 400 instead of a lookup. */
    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** The id, or a 400 naming the field. */
    public static String requireId(String field, String value) {
        if (!isId(value)) {
            throw invalid(field, "must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        return value;
    }
}
