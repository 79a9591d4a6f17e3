package dev.pulse.agent.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash, written {@code pbkdf2_sha256$<iterations>$<salt>$<hash>}
 * (salt and hash in Base64), the form Django and others use. The properties file holds only this,
 * never the password; {@code java -jar pulse-agent.jar hash-password} makes one.
 */
public final class PasswordHash {

    static final String SCHEME = "pbkdf2_sha256";
    public static final String EXPECTED = SCHEME + "$<iterations>$<salt>$<hash>, as printed by"
            + " java -jar pulse-agent.jar hash-password";
    /** OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600,000; verification is cached per credential. */
    static final int DEFAULT_ITERATIONS = 600_000;
    private static final int MIN_ITERATIONS = 10_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} with a random salt. */
    public static PasswordHash of(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(DEFAULT_ITERATIONS, salt, derive(password, salt, DEFAULT_ITERATIONS));
    }

    /** Parses the stored form; null when it is not one. */
    static PasswordHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return null;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (iterations < MIN_ITERATIONS || salt.length < 8 || hash.length != HASH_BITS / 8) {
                return null;
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when {@code password} is the hashed one; compares in constant time. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** A fixed-length digest of a presented secret, for the verified-credentials cache. */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        Base64.Encoder base64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordHash && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }
}
