package dev.logtocp.simulator;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Random ids in Logto's alphabet (lowercase letters and digits) and secrets. Thread-safe. */
final class Ids {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** oidc-provider's ids (session uid and jti, grant ids): 43 characters of base64url, '-' and '_' included. */
    private static final char[] OIDC_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    private Ids() {}

    private static final char[] SECRET_ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom SECURE = new SecureRandom();

    /** A secret in Logto's standard secret form (letters of both cases and digits), from a secure random source. */
    static String secret(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = SECRET_ALPHABET[SECURE.nextInt(SECRET_ALPHABET.length)];
        }
        return new String(out);
    }

    static String next(int length) {
        return random(ALPHABET, length);
    }

    static String oidc() {
        return random(OIDC_ALPHABET, 43);
    }

    private static String random(char[] alphabet, int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
