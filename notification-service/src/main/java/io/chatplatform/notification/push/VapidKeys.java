package io.chatplatform.notification.push;

import com.zerodeplibs.webpush.VAPIDKeyPair;
import com.zerodeplibs.webpush.VAPIDKeyPairs;
import com.zerodeplibs.webpush.key.PrivateKeySources;
import com.zerodeplibs.webpush.key.PublicKeySources;
import io.chatplatform.notification.NotificationProperties;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The VAPID key pair (RFC 8292) the service signs pushes with and browsers subscribe with. From configuration when
 * both keys are set; otherwise generated once and kept in MongoDB, where the first instance to store it wins and every
 * other instance uses that one, so all instances sign with the key the browsers subscribed with.
 */
@Component
public class VapidKeys {

    static final String COLLECTION = "service_keys";
    private static final String ID = "vapid";
    private static final Logger log = LoggerFactory.getLogger(VapidKeys.class);
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final Mono<Keys> keys;

    VapidKeys(ReactiveMongoTemplate mongo, NotificationProperties properties) {
        NotificationProperties.Vapid vapid = properties.vapid();
        Mono<StoredKeys> stored = hasText(vapid.publicKey()) && hasText(vapid.privateKey())
                ? Mono.just(new StoredKeys(ID, vapid.publicKey(), vapid.privateKey(), null))
                : storedOrNew(mongo);
        // Key parsing may touch the JDK's providers and files: off the event loops, once.
        this.keys = stored
                .publishOn(Schedulers.boundedElastic())
                .map(VapidKeys::parse)
                .cache(value -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO,
                        () -> Duration.ZERO);
    }

    /** The key pair, ready to encrypt and sign. */
    public Mono<Keys> keys() {
        return keys;
    }

    /** The public key as browsers want it for {@code applicationServerKey}: base64url of the uncompressed point. */
    public Mono<String> publicKey() {
        return keys.map(Keys::publicKey);
    }

    /**
     * A secret for {@code purpose} derived from the private key (HMAC-SHA256 keyed with it), so that other signed
     * values, such as unsubscribe links, need no key of their own; it changes when the VAPID key does.
     */
    public Mono<byte[]> derivedSecret(String purpose) {
        return keys.map(parsed -> parsed.derive(purpose));
    }

    /** A parsed key pair and its public key's base64url form. */
    public record Keys(VAPIDKeyPair pair, String publicKey, byte[] privateKey) {

        byte[] derive(String purpose) {
            return hmacSha256(privateKey, purpose);
        }
    }

    /** HMAC-SHA256 of a UTF-8 string. */
    public static byte[] hmacSha256(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    @Document(COLLECTION)
    record StoredKeys(@Id String id, String publicKey, String privateKey, Instant createdAt) {
    }

    private static Mono<StoredKeys> storedOrNew(ReactiveMongoTemplate mongo) {
        return mongo.findById(ID, StoredKeys.class)
                .switchIfEmpty(Mono.fromCallable(VapidKeys::generate)
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(mongo::insert)
                        .doOnNext(created -> log.info("Generated a VAPID key pair; set chat.notification.vapid.* to "
                                + "keep it independent of this database"))
                        // Another instance stored its pair first: use that one.
                        .onErrorResume(DuplicateKeyException.class, raced -> mongo.findById(ID, StoredKeys.class)));
    }

    static StoredKeys generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        return new StoredKeys(ID, URL.encodeToString(uncompressed((ECPublicKey) pair.getPublic())),
                URL.encodeToString(pair.getPrivate().getEncoded()), Instant.now());
    }

    /** The 65-byte uncompressed form {@code 0x04 || X || Y} of a P-256 public key. */
    static byte[] uncompressed(ECPublicKey key) {
        byte[] point = new byte[65];
        point[0] = 4;
        copyUnsigned(key.getW().getAffineX(), point, 1);
        copyUnsigned(key.getW().getAffineY(), point, 33);
        return point;
    }

    private static void copyUnsigned(BigInteger value, byte[] target, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, target, offset + 32 - length, length);
    }

    private static Keys parse(StoredKeys stored) {
        byte[] privateKey = URL_DECODER.decode(stored.privateKey());
        VAPIDKeyPair pair = VAPIDKeyPairs.of(
                PrivateKeySources.ofPKCS8Bytes(privateKey),
                PublicKeySources.ofUncompressedBytes(URL_DECODER.decode(stored.publicKey())));
        return new Keys(pair, stored.publicKey(), privateKey);
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
