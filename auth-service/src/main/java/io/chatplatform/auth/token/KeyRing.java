package io.chatplatform.auth.token;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.AuthProperties.ConfiguredKey;
import io.chatplatform.auth.OpaqueTokens;
import io.chatplatform.auth.Problems;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The signing keys: from {@code chat.auth.keys} (PEM) when configured, else generated once and kept in MongoDB
 * collection {@code signing_keys}, so a restart (standalone keeps its data) keeps the tokens valid.
 *
 * <p>Rotation: a new key signs at once; a retired key stays published (and accepted) until every token it signed has
 * expired, {@code accessTokenTtl + clockSkew} after retirement. Other services fetch the JWKS only on an unknown
 * {@code kid}, so the new key reaches them with the first token it signs.
 *
 * <p>The ring is cached for {@code chat.auth.key-cache-ttl}, then re-read, so a rotation by one instance reaches the
 * others; the rotating instance sees it immediately.
 */
@Component
public class KeyRing {

    static final String COLLECTION = "signing_keys";
    private static final Logger log = LoggerFactory.getLogger(KeyRing.class);

    private final ReactiveMongoTemplate mongo;
    private final AuthProperties properties;
    private final Clock clock;
    private final List<SigningKey> configured;
    private final AtomicReference<Mono<List<SigningKey>>> ring = new AtomicReference<>();

    KeyRing(ReactiveMongoTemplate mongo, AuthProperties properties, Clock clock) {
        this.mongo = mongo;
        this.properties = properties;
        this.clock = clock;
        // Parsed at startup: a bad PEM stops the service before it takes traffic.
        this.configured = properties.keys().stream()
                .map(key -> fromPem(key, clock.instant()))
                .toList();
        ring.set(cachedLoad());
    }

    /** The key that signs new tokens. */
    public Mono<SigningKey> signingKey() {
        return ring.get()
                .map(keys -> keys.stream()
                        .filter(key -> key.retiredAt() == null)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no active signing key")));
    }

    /** Keys whose tokens may still be valid: what the JWKS lists and what verification accepts. */
    public Mono<List<SigningKey>> publishedKeys() {
        return ring.get()
                .map(this::published);
    }

    /** The published key named {@code kid}, or empty. */
    public Mono<PublicKey> verificationKey(String kid) {
        return publishedKeys()
                .flatMapIterable(keys -> keys)
                .filter(key -> key.kid().equals(kid))
                .next()
                .map(SigningKey::publicKey);
    }

    /** Generates a new signing key and retires the current ones; 409 when keys come from configuration. */
    public Mono<SigningKey> rotate() {
        if (!configured.isEmpty()) {
            return Mono.error(Problems.conflict(
                    "Signing keys come from configuration (chat.auth.keys); rotate them there."));
        }
        return generate()
                .flatMap(this::storeAndRetireOthers)
                .doOnNext(key -> ring.set(cachedLoad()))
                .doOnNext(key -> log.info("Rotated signing key: {} signs from now on", key.kid()));
    }

    private List<SigningKey> published(List<SigningKey> keys) {
        Instant now = clock.instant();
        Duration window = properties.accessTokenTtl().plus(properties.clockSkew());
        return keys.stream()
                .filter(key -> key.retiredAt() == null || key.retiredAt().plus(window).isAfter(now))
                .toList();
    }

    private Mono<List<SigningKey>> cachedLoad() {
        return Mono.defer(this::load)
                .cache(keys -> properties.keyCacheTtl(), error -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** Newest active key first, then the others newest first. */
    private Mono<List<SigningKey>> load() {
        if (!configured.isEmpty()) {
            return Mono.just(configured);
        }
        return findStored()
                .flatMap(keys -> keys.stream().anyMatch(key -> key.retiredAt() == null)
                        ? Mono.just(keys)
                        : generateFirst());
    }

    private Mono<List<SigningKey>> findStored() {
        Query query = new Query().with(Sort.by(Sort.Direction.DESC, "createdAt"));
        return mongo.find(query, StoredKey.class, COLLECTION)
                .map(KeyRing::fromStored)
                .collectList()
                .map(KeyRing::activeFirst);
    }

    /**
     * No key yet (first start). Two instances starting together may each store one; both are then active and
     * published, and the newest signs, so nothing breaks.
     */
    private Mono<List<SigningKey>> generateFirst() {
        return generate()
                .flatMap(key -> mongo.insert(toStored(key), COLLECTION))
                .doOnNext(stored -> log.info("Generated signing key {} (no chat.auth.keys configured)", stored.kid()))
                .then(findStored());
    }

    private Mono<SigningKey> storeAndRetireOthers(SigningKey key) {
        Query others = Query.query(Criteria.where("_id").ne(key.kid()).and("retiredAt").is(null));
        return mongo.insert(toStored(key), COLLECTION)
                .then(mongo.updateMulti(others, new Update().set("retiredAt", key.createdAt()), COLLECTION))
                .thenReturn(key);
    }

    /** EC key generation draws on the random generator; kept off the event loop with the other crypto setup. */
    private Mono<SigningKey> generate() {
        return Mono.fromCallable(() -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"), OpaqueTokens.random());
                    KeyPair pair = generator.generateKeyPair();
                    return new SigningKey(OpaqueTokens.newId(), pair.getPrivate(), (ECPublicKey) pair.getPublic(),
                            clock.instant(), null);
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static List<SigningKey> activeFirst(List<SigningKey> newestFirst) {
        List<SigningKey> sorted = new ArrayList<>(newestFirst);
        sorted.sort(Comparator.comparing((SigningKey key) -> key.retiredAt() != null));
        return List.copyOf(sorted);
    }

    private static StoredKey toStored(SigningKey key) {
        Base64.Encoder base64 = Base64.getEncoder();
        return new StoredKey(key.kid(), base64.encodeToString(key.privateKey().getEncoded()),
                base64.encodeToString(key.publicKey().getEncoded()), key.createdAt(), key.retiredAt());
    }

    private static SigningKey fromStored(StoredKey stored) {
        Base64.Decoder base64 = Base64.getDecoder();
        return keyPair(stored.kid(), base64.decode(stored.privateKey()), base64.decode(stored.publicKey()),
                stored.createdAt(), stored.retiredAt());
    }

    private static SigningKey fromPem(ConfiguredKey key, Instant now) {
        return keyPair(key.kid(), pemBody(key.privateKey()), pemBody(key.publicKey()), now, null);
    }

    private static SigningKey keyPair(String kid, byte[] pkcs8, byte[] x509, Instant createdAt, Instant retiredAt) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(x509));
            if (!(publicKey instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("key " + kid + " is not a P-256 EC key");
            }
            return new SigningKey(kid, privateKey, ec, createdAt, retiredAt);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // The message names the kid only, never key material.
            throw new IllegalArgumentException("Signing key " + kid + " is not a valid P-256 key pair", e);
        }
    }

    private static byte[] pemBody(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }
}
