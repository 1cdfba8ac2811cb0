package io.chatplatform.gateway.edge;

import java.net.URI;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes a refusal as {@code application/problem+json} straight from a {@code WebFilter}. An error a filter raises
 * never reaches the controller advice that renders problems elsewhere, so the filters answer themselves, with the
 * server's own codecs: the body looks exactly like every service's problems.
 */
final class ProblemWriter {

    private final ServerResponse.Context context;

    ProblemWriter(ServerCodecConfigurer codecs) {
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    /** Answers the exchange with the error's status, headers (such as {@code Retry-After}) and problem body. */
    Mono<Void> write(ServerWebExchange exchange, ErrorResponseException error) {
        ProblemDetail problem = error.getBody();
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return ServerResponse.status(error.getStatusCode())
                .headers(headers -> headers.addAll(error.getHeaders()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem)
                .flatMap(response -> response.writeTo(exchange, context));
    }
}
