package io.chatplatform.notification.subscription;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One browser's push subscription, owned by the user who registered it.
 *
 * @param id         derived from the endpoint ({@link #idOf}), so registering the same endpoint again finds it by id
 * @param userId     the owner
 * @param endpoint   the push service URL the browser gave
 * @param p256dh     base64url of the browser's P-256 public key (65 bytes, uncompressed)
 * @param auth       base64url of the browser's 16-byte auth secret
 * @param device     the client's label for the device, may be null
 * @param createdAt  when it was registered
 */
@Document(PushSubscription.COLLECTION)
public record PushSubscription(
        @Id String id,
        @Indexed String userId,
        String endpoint,
        String p256dh,
        String auth,
        String device,
        Instant createdAt) {

    static final String COLLECTION = "push_subscriptions";

    /** The id of the subscription with this endpoint: base64url of the first 16 bytes of its SHA-256. */
    public static String idOf(String endpoint) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(endpoint.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
