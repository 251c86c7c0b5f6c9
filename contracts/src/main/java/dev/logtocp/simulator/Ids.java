package dev.logtocp.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids in Logto's alphabet (lowercase letters and digits). Thread-safe. */
final class Ids {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  /** oidc-provider's ids (session uid and jti, grant ids): 43 characters of base64url, '-' and '_' included. */
  private static final char[] OIDC_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  private Ids() {
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
