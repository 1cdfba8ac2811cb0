package io.chatplatform.auth.token;

import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;

/**
 * One ES256 key pair of the ring.
 *
 * @param kid       the JWS {@code kid}
 * @param retiredAt when it stopped signing; {@code null} while it may sign. It stays published until the tokens it
 *                  signed have expired
 */
public record SigningKey(String kid, PrivateKey privateKey, ECPublicKey publicKey, Instant createdAt,
        Instant retiredAt) {

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
    }
}
