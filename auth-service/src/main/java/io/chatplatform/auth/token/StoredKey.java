package io.chatplatform.auth.token;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A generated key in collection {@code signing_keys} (only when no keys are configured: standalone and dev).
 * Production configures keys as PEM from a secret instead of keeping private keys in the database.
 *
 * @param privateKey base64 PKCS#8
 * @param publicKey  base64 X.509 SubjectPublicKeyInfo
 */
@Document(KeyRing.COLLECTION)
record StoredKey(@Id String kid, String privateKey, String publicKey, Instant createdAt, Instant retiredAt) {
}
