package io.chatplatform.notification.push;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiving side of RFC 8291 ({@code aes128gcm} WebPush payloads), written from the RFC with the JDK's crypto
 * only, independent of the library the service encrypts with: what a browser does with a push.
 */
public final class Rfc8291 {

    private static final ECParameterSpec P256 = p256();

    private Rfc8291() {
    }

    /** A browser's subscription keys: its P-256 key pair and 16-byte auth secret. */
    public record UserAgentKeys(ECPrivateKey privateKey, byte[] publicKey, byte[] authSecret) {

        public static UserAgentKeys generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                byte[] auth = new byte[16];
                new java.security.SecureRandom().nextBytes(auth);
                return new UserAgentKeys((ECPrivateKey) pair.getPrivate(),
                        VapidKeys.uncompressed((ECPublicKey) pair.getPublic()), auth);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Keys from a raw private scalar and its public point, as the RFC's example gives them. */
        public static UserAgentKeys of(byte[] privateScalar, byte[] publicKey, byte[] authSecret) {
            try {
                ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                        .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, privateScalar), P256));
                return new UserAgentKeys(key, publicKey, authSecret);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Decrypts one {@code aes128gcm} body (a single record, as WebPush sends). */
    public static byte[] decrypt(byte[] body, UserAgentKeys keys) throws GeneralSecurityException {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        buffer.get(salt);
        int recordSize = buffer.getInt();
        int idLength = buffer.get() & 0xff;
        byte[] senderPublic = new byte[idLength];
        buffer.get(senderPublic);
        byte[] ciphertext = new byte[buffer.remaining()];
        buffer.get(ciphertext);
        if (idLength != 65 || ciphertext.length > recordSize) {
            throw new GeneralSecurityException("not a single-record aes128gcm WebPush body");
        }

        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(keys.privateKey());
        agreement.doPhase(publicKey(senderPublic), true);
        byte[] ecdhSecret = agreement.generateSecret();

        // RFC 8291 §3.3-3.4: IKM from the ECDH secret and the auth secret, then RFC 8188's key and nonce.
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), keys.publicKey(), senderPublic);
        byte[] ikm = hkdf(keys.authSecret(), ecdhSecret, keyInfo, 32);
        byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);

        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = cipher.doFinal(ciphertext);
        // The last record ends with the delimiter 0x02, then zero padding.
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != 2) {
            throw new GeneralSecurityException("missing last-record delimiter");
        }
        return Arrays.copyOf(padded, end);
    }

    /** HKDF-SHA-256 (RFC 5869) for outputs of at most 32 bytes. */
    private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
        byte[] prk = hmac(salt, ikm);
        return Arrays.copyOf(hmac(prk, concat(info, new byte[] {1})), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static ECPublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException {
        if (uncompressed.length != 65 || uncompressed[0] != 4) {
            throw new GeneralSecurityException("not an uncompressed P-256 point");
        }
        ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer joined = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            joined.put(part);
        }
        return joined.array();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
