package io.chatplatform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (refresh, email verification and password reset tokens) and their stored form.
 *
 * <p>Only the SHA-256 of a token is stored: the tokens carry 256 random bits, so a fast hash is enough (no salt or
 * BCrypt needed) and a database leak does not hand out usable tokens.
 */
public final class OpaqueTokens {

    /**
     * DRBG, seeded once: the platform default (NativePRNG) reads {@code /dev/urandom} on every call, which is blocking
     * file I/O on an event loop. {@link #seed()} runs at startup so the one seeding read happens there.
     */
    private static final SecureRandom RANDOM = drbg();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private OpaqueTokens() {
    }

    /** Forces the one-time seeding; called while the application starts. */
    public static void seed() {
        RANDOM.nextInt();
    }

    /** The shared generator, for key generation and ECDSA signatures. */
    public static SecureRandom random() {
        return RANDOM;
    }

    /** A random (version 4) UUID without {@link java.util.UUID#randomUUID()}'s file-reading generator. */
    public static java.util.UUID randomUuid() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        return new java.util.UUID(buffer.getLong(), buffer.getLong());
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** Lowercase hex SHA-256 of the token's UTF-8 bytes: what is stored and looked up. */
    public static String hash(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    /** Constant-time comparison of two secrets, so response time does not leak how many characters matched. */
    public static boolean equalsConstantTime(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextInt();
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("DRBG is required by every JVM since Java 9", e);
        }
    }

    /** A random id for sessions and users (128 bits, URL-safe). */
    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }
}
