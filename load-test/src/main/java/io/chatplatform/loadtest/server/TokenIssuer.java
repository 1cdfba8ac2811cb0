package io.chatplatform.loadtest.server;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.io.AbstractSerializer;
import io.jsonwebtoken.security.Jwks;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs the load users' access tokens with a key made for this run, and serves its public half at
 * {@code /.well-known/jwks.json}, so chat-service verifies them exactly as it verifies auth-service's tokens.
 *
 * <p>The key id is new on every run; a chat-service that saw an earlier run's key re-fetches the JWKS when the new
 * kid arrives (the {@code serve-chat} command allows that at once, see {@link ServeChatCommand}).
 */
public final class TokenIssuer implements AutoCloseable {

    /** The path chat-service's {@code chat.jwt.jwks-uri} points at. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    private static final String ISSUER = "chat-platform";
    private static final String AUDIENCE = "chat-platform";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KeyPair keys = Jwts.SIG.ES256.keyPair().build();
    private final String kid = "load-test-" + UUID.randomUUID();
    private final DisposableServer server;

    private TokenIssuer(DisposableServer server) {
        this.server = server;
    }

    /** Serves the JWKS on {@code host:port} (0 = any free port) until {@link #close()}. */
    public static TokenIssuer serve(String host, int port) {
        TokenIssuer[] issuer = new TokenIssuer[1];
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .route(routes -> routes.get(JWKS_PATH, (request, response) -> response
                        .header("Content-Type", "application/json")
                        .sendString(Mono.fromSupplier(() -> issuer[0].jwksJson()))))
                .bindNow(Duration.ofSeconds(10));
        issuer[0] = new TokenIssuer(server);
        return issuer[0];
    }

    /** The URL to give chat-service as {@code chat.jwt.jwks-uri}. */
    public String jwksUri() {
        InetSocketAddress address = (InetSocketAddress) server.address();
        return "http://" + address.getHostString() + ":" + address.getPort() + JWKS_PATH;
    }

    /** The JWK set with this run's public key. */
    String jwksJson() {
        Map<String, Object> jwk = new LinkedHashMap<>(Jwks.builder()
                .key(keys.getPublic())
                .id(kid)
                .algorithm("ES256")
                .publicKeyUse("sig")
                .build());
        return JSON.writeValueAsString(Map.of("keys", List.of(jwk)));
    }

    /** An access token for {@code userId}, shaped like auth-service's ({@code typ at+jwt}, iss, aud, sub, exp). */
    public String tokenFor(String userId) {
        Instant now = Instant.now();
        return Jwts.builder()
                .json(new AbstractSerializer<Map<String, ?>>() {
                    @Override
                    protected void doSerialize(Map<String, ?> value, OutputStream out) {
                        JSON.writeValue(out, value);
                    }
                })
                .header()
                .keyId(kid)
                .type("at+jwt")
                .and()
                .issuer(ISSUER)
                .audience()
                .add(AUDIENCE)
                .and()
                .subject(userId)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(TOKEN_LIFETIME)))
                .signWith(keys.getPrivate(), Jwts.SIG.ES256)
                .compact();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
