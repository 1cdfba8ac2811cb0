package io.chatplatform.gateway.edge;

import java.net.URI;
import java.util.Map;

import io.chatplatform.support.problem.ApiException;

import org.springframework.http.HttpStatus;

/**
 * A request body over {@code chat.gateway.max-request-size}: {@code 413} problem type {@value #TYPE_URI}, with the
 * limit in bytes as the {@code maxBytes} member.
 */
public class RequestTooLargeException extends ApiException {

    /** The problem type of every refused request body. */
    public static final String TYPE_URI = "https://chat.example/problems/request-too-large";

    /** The extension member that carries the limit. */
    public static final String MAX_BYTES = "maxBytes";

    public RequestTooLargeException(long maxBytes) {
        super(HttpStatus.CONTENT_TOO_LARGE, URI.create(TYPE_URI), "Request too large",
                "The request body is larger than the limit of " + maxBytes + " bytes.",
                Map.of(MAX_BYTES, maxBytes));
    }
}
