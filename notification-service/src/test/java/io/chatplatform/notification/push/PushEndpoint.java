package io.chatplatform.notification.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A push service on a real HTTP socket, as browsers' push services are to the server: it checks the VAPID
 * {@code Authorization} (RFC 8292: ES256 signature with the key in {@code k}, {@code aud} = this origin, {@code exp}
 * in the future, a {@code sub}) and decrypts the {@code aes128gcm} body with the device's private key (RFC 8291), as
 * the browser would. Each device can be told to answer with given statuses first (410, 429 with Retry-After, 500).
 */
public final class PushEndpoint implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private final HttpServer server;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    /** What one push delivered, as the device saw it. */
    public record Received(Instant at, Map<String, String> headers, JsonNode payload, String vapidKey,
                           JsonNode vapidClaims) {
    }

    /** A scripted answer: the status and an optional Retry-After. */
    public record Answer(int status, String retryAfter) {
    }

    /** One browser's subscription: its keys, its endpoint URL and what reached it. */
    public final class Device {
        private final String id = UUID.randomUUID().toString();
        private final Rfc8291.UserAgentKeys keys = Rfc8291.UserAgentKeys.generate();
        private final List<Received> received = new CopyOnWriteArrayList<>();
        private final List<String> rejected = new CopyOnWriteArrayList<>();
        private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
        private volatile int attempts;
        private volatile Duration slowness = Duration.ZERO;

        public String endpoint() {
            return origin() + "/push/" + id;
        }

        public String p256dh() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(keys.publicKey());
        }

        public String auth() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(keys.authSecret());
        }

        /** Pushes that were accepted (2xx), decrypted and verified. */
        public List<Received> received() {
            return received;
        }

        /** Requests that failed verification or decryption, with the reason; should stay empty. */
        public List<String> rejected() {
            return rejected;
        }

        /** Requests of any outcome, scripted failures included. */
        public int attempts() {
            return attempts;
        }

        /** Answers the next requests with these, in order, then with 201 again. */
        public Device answer(Answer... answers) {
            script.addAll(List.of(answers));
            return this;
        }

        /** Takes this long before it answers each request from now on, like a push service under load. */
        public Device answerAfter(Duration delay) {
            slowness = delay;
            return this;
        }

        /** Answers every request with this status from now on. */
        public Device alwaysAnswer(int status) {
            for (int i = 0; i < 100; i++) {
                script.add(new Answer(status, null));
            }
            return this;
        }
    }

    public PushEndpoint() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/push/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Device newDevice() {
        Device device = new Device();
        devices.put(device.id, device);
        return device;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/push/".length());
            Device device = devices.get(id);
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (device == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            device.attempts++;
            pause(device.slowness);
            Answer scripted = device.script.poll();
            if (scripted != null) {
                if (scripted.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", scripted.retryAfter());
                }
                exchange.sendResponseHeaders(scripted.status(), -1);
                return;
            }
            try {
                device.received.add(verify(exchange, device, body));
                exchange.sendResponseHeaders(201, -1);
            } catch (GeneralSecurityException | RuntimeException e) {
                device.rejected.add(e.toString());
                // Printed as well: a rejection makes the service give the push up, and a test then only times out.
                System.err.println("Test push service refused a push to " + device.id + ": " + e);
                exchange.sendResponseHeaders(400, -1);
            }
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Received verify(HttpExchange exchange, Device device, byte[] body) throws GeneralSecurityException {
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
        if (!"aes128gcm".equals(headers.get("Content-Encoding"))) {
            throw new GeneralSecurityException("Content-Encoding is " + headers.get("Content-Encoding"));
        }
        String authorization = headers.getOrDefault("Authorization", "");
        if (!authorization.startsWith("vapid ")) {
            throw new GeneralSecurityException("no VAPID authorization");
        }
        String token = null;
        String key = null;
        for (String part : authorization.substring("vapid ".length()).split(",")) {
            String[] pair = part.strip().split("=", 2);
            if (pair[0].equals("t")) {
                token = pair[1];
            } else if (pair[0].equals("k")) {
                key = pair[1];
            }
        }
        if (token == null || key == null) {
            throw new GeneralSecurityException("VAPID needs t and k");
        }
        String[] jws = token.split("\\.");
        JsonNode header = JSON.readTree(B64.decode(jws[0]));
        if (!"ES256".equals(header.path("alg").asString())) {
            throw new GeneralSecurityException("VAPID alg " + header.path("alg"));
        }
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initVerify(Rfc8291.publicKey(B64.decode(key)));
        signature.update((jws[0] + "." + jws[1]).getBytes(StandardCharsets.US_ASCII));
        if (!signature.verify(B64.decode(jws[2]))) {
            throw new GeneralSecurityException("VAPID signature does not verify");
        }
        JsonNode claims = JSON.readTree(B64.decode(jws[1]));
        if (!origin().equals(claims.path("aud").asString())) {
            throw new GeneralSecurityException("VAPID aud " + claims.path("aud"));
        }
        if (claims.path("exp").asLong() <= Instant.now().getEpochSecond()) {
            throw new GeneralSecurityException("VAPID token expired");
        }
        if (claims.path("sub").asString().isEmpty()) {
            throw new GeneralSecurityException("VAPID token without sub");
        }
        JsonNode payload = JSON.readTree(Rfc8291.decrypt(body, device.keys));
        return new Received(Instant.now(), java.util.Collections.unmodifiableMap(headers), payload, key, claims);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
