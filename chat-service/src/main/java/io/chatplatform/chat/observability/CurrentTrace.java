package io.chatplatform.chat.observability;

import brave.Tracing;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.TraceContext;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The trace context of the work in progress, for the events it stores: an event stored with it is published (Kafka
 * header and envelope, Redis payload) and delivered under the same trace, however much later the relay sends it.
 * Read from the current span on this thread (Micrometer Tracing on Brave, the Reactor context restored by
 * automatic context propagation); empty when nothing is traced.
 *
 * <p>The tracers are those of the running chat-service contexts ({@link Binding}), not Brave's static
 * {@code Tracing.current()}: that is whichever tracer was created last in the JVM, and with two contexts in one JVM
 * (standalone's, or a test's second instance, closed again) it is the wrong one, whose thread-local context is empty.
 */
public final class CurrentTrace {

    private static final String TRACEPARENT_VERSION = "00";
    private static final List<Tracing> TRACINGS = new CopyOnWriteArrayList<>();

    private CurrentTrace() {
    }

    /** The current span as a W3C {@code traceparent}, or the empty context. */
    public static TraceContext context() {
        for (Tracing tracing : TRACINGS) {
            brave.propagation.TraceContext current = tracing.currentTraceContext().get();
            if (current != null) {
                return TraceContext.newBuilder().setTraceparent(traceparent(current)).build();
            }
        }
        return TraceContext.getDefaultInstance();
    }

    static String traceparent(brave.propagation.TraceContext context) {
        // W3C wants a 32-digit trace id; a 64-bit Brave id is padded on the left.
        String traceId = String.format(Locale.ROOT, "%32s", context.traceIdString()).replace(' ', '0');
        return TRACEPARENT_VERSION + "-" + traceId + "-" + context.spanIdString() + "-"
                + (Boolean.TRUE.equals(context.sampled()) ? "01" : "00");
    }

    /** The {@code traceparent} an envelope carries, or "" (also for bytes that are not an envelope). */
    public static String traceparentOf(byte[] envelope) {
        try {
            return EventEnvelope.parseFrom(envelope).getTrace().getTraceparent();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return "";
        }
    }

    /** Registers this context's tracer with {@link CurrentTrace} while the context runs. */
    @org.springframework.stereotype.Component
    static class Binding implements org.springframework.beans.factory.DisposableBean {

        private final Tracing tracing;

        Binding(org.springframework.beans.factory.ObjectProvider<Tracing> tracing) {
            this.tracing = tracing.getIfAvailable();
            if (this.tracing != null) {
                TRACINGS.add(this.tracing);
            }
        }

        @Override
        public void destroy() {
            if (tracing != null) {
                TRACINGS.remove(tracing);
            }
        }
    }
}
