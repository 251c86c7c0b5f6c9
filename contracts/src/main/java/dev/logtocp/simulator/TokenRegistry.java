package dev.logtocp.simulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens the simulator issued, with their expiry and whether they carry scope {@code all}. Tokens are
 * opaque random strings: only tokens found here are accepted. Thread-safe.
 */
final class TokenRegistry {

  enum Check { VALID, UNKNOWN_OR_EXPIRED, NO_SCOPE }

  private record Issued(long expiresAtMillis, boolean scopeAll) {
  }

  private final ConcurrentHashMap<String, Issued> tokens = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration lifetime;

  TokenRegistry(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  String issue(boolean scopeAll) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String token = "sim_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    long now = clock.millis();
    tokens.put(token, new Issued(now + lifetime.toMillis(), scopeAll));
    if (tokens.size() > 10_000) {
      // Clients that never reuse tokens must not grow the map forever.
      tokens.values().removeIf(t -> t.expiresAtMillis() <= now);
    }
    return token;
  }

  /** Seconds reported as {@code expires_in}: at least 1, rounded up so clients never refresh too late. */
  long expiresInSeconds() {
    return Math.max(1, (lifetime.toMillis() + 999) / 1000);
  }

  Check check(String token) {
    Issued issued = tokens.get(token);
    if (issued == null) {
      return Check.UNKNOWN_OR_EXPIRED;
    }
    if (issued.expiresAtMillis() <= clock.millis()) {
      tokens.remove(token, issued);
      return Check.UNKNOWN_OR_EXPIRED;
    }
    return issued.scopeAll() ? Check.VALID : Check.NO_SCOPE;
  }

  void clear() {
    tokens.clear();
  }
}
