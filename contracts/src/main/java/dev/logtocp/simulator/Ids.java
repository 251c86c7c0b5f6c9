package dev.logtocp.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids in Logto's alphabet (lowercase letters and digits) and secrets. Thread-safe. */
final class Ids {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Ids() {
  }

  private static final char[] SECRET_ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final java.security.SecureRandom SECURE = new java.security.SecureRandom();

  /** A secret in Logto's standard secret form (letters of both cases and digits), from a secure random source. */
  static String secret(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = SECRET_ALPHABET[SECURE.nextInt(SECRET_ALPHABET.length)];
    }
    return new String(out);
  }

  static String next(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
