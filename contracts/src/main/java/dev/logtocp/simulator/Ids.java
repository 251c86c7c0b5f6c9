package dev.logtocp.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids in Logto's alphabet (lowercase letters and digits). Thread-safe. */
final class Ids {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Ids() {
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
