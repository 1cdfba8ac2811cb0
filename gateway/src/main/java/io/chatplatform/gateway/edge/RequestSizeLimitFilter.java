package io.chatplatform.gateway.edge;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses request bodies over {@code chat.gateway.max-request-size} with a {@code 413} problem.
 *
 * <p>A declared {@code Content-Length} over the limit is refused before a byte of the body is read, so the service
 * never sees the request. A body without a length (chunked) is streamed to the service as it arrives and counted on
 * the way: the byte that crosses the limit fails the stream, which aborts the request to the service (it never gets
 * a complete body) and the client gets the 413. Streaming rather than buffering keeps the gateway's memory flat.
 */
final class RequestSizeLimitFilter implements WebFilter, Ordered {

    /** After the security headers, before the rate limit: an oversized request costs no Redis round trip. */
    static final int ORDER = SecurityHeadersFilter.ORDER + 100;

    private final long maxBytes;
    private final ProblemWriter problems;

    RequestSizeLimitFilter(long maxBytes, ProblemWriter problems) {
        this.maxBytes = maxBytes;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return problems.write(exchange, new RequestTooLargeException(maxBytes));
        }
        if (declared >= 0) {
            // The server reads exactly Content-Length bytes, so the body cannot outgrow what was checked.
            return chain.filter(exchange);
        }
        CappedRequest capped = new CappedRequest(request, maxBytes);
        return chain.filter(exchange.mutate().request(capped).build())
                .onErrorResume(error -> capped.exceeded() && !exchange.getResponse().isCommitted(),
                        error -> problems.write(exchange, new RequestTooLargeException(maxBytes)));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /** A request whose body fails with {@link RequestTooLargeException} once it passes the limit. */
    private static final class CappedRequest extends ServerHttpRequestDecorator {

        private final long maxBytes;
        private volatile boolean exceeded;

        CappedRequest(ServerHttpRequest delegate, long maxBytes) {
            super(delegate);
            this.maxBytes = maxBytes;
        }

        boolean exceeded() {
            return exceeded;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> {
                AtomicLong received = new AtomicLong();
                return super.getBody()
                        .<DataBuffer>handle((buffer, sink) -> {
                            if (received.addAndGet(buffer.readableByteCount()) <= maxBytes) {
                                sink.next(buffer);
                                return;
                            }
                            DataBufferUtils.release(buffer);
                            exceeded = true;
                            sink.error(new RequestTooLargeException(maxBytes));
                        });
            });
        }
    }
}
