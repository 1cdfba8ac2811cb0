package io.chatplatform.support.problem;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A service's own error, rendered as {@code application/problem+json} with exactly these fields. Throw it (or return
 * it in a {@code Mono.error}) from a controller.
 *
 * <p>The detail is shown to clients: put what the caller can act on in it, never internals.
 */
public class ApiException extends ErrorResponseException {

    /**
     * @param status     HTTP status
     * @param type       URI naming the problem type (for example {@code https://chat.example/problems/not-a-member});
     *                   {@code null} means {@code about:blank}
     * @param title      short, stable summary of the problem type
     * @param detail     this occurrence, for the client
     * @param properties extension members, for example {@code conversationId}
     */
    public ApiException(HttpStatusCode status, URI type, String title, String detail, Map<String, ?> properties) {
        super(status, problem(status, type, title, detail, properties), null);
    }

    public ApiException(HttpStatusCode status, URI type, String title, String detail) {
        this(status, type, title, detail, Map.of());
    }

    /** A problem without a specific type: {@code about:blank}, the title is the status phrase. */
    public ApiException(HttpStatusCode status, String detail) {
        this(status, null, null, detail, Map.of());
    }

    private static ProblemDetail problem(
            HttpStatusCode status, URI type, String title, String detail, Map<String, ?> properties) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (type != null) {
            problem.setType(type);
        }
        if (title != null) {
            problem.setTitle(title);
        }
        if (properties != null) {
            properties.forEach(problem::setProperty);
        }
        return problem;
    }
}
