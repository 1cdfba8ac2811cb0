package io.chatplatform.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.test.context.DynamicPropertyRegistry;

/** One {@link StubBackend} per service the gateway routes to, wired in through {@code chat.gateway.routes.*}. */
final class StubBackends implements AutoCloseable {

    static final List<String> SERVICES = List.of("auth-service", "chat-service", "websocket-service",
            "moderation-service", "notification-service");

    private final Map<String, StubBackend> backends = new LinkedHashMap<>();

    private StubBackends() {
        SERVICES.forEach(name -> backends.put(name, StubBackend.start(name)));
    }

    static StubBackends start() {
        return new StubBackends();
    }

    StubBackend get(String service) {
        StubBackend backend = backends.get(service);
        if (backend == null) {
            throw new IllegalArgumentException("no stub for " + service);
        }
        return backend;
    }

    /** Points the gateway's typed backend settings at the stubs. */
    void register(DynamicPropertyRegistry registry) {
        backends.forEach((name, backend) -> registry.add("chat.gateway.routes." + name, backend::url));
    }

    /** Every request any stub received from {@code clientIp} (the last {@code X-Forwarded-For} entry). */
    List<StubBackend.Received> receivedFrom(String clientIp) {
        return backends.values().stream()
                .flatMap(backend -> backend.received().stream())
                .filter(request -> clientIp.equals(request.clientIp()))
                .toList();
    }

    @Override
    public void close() {
        backends.values().forEach(StubBackend::close);
    }
}
