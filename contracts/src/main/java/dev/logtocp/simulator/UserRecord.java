package dev.logtocp.simulator;

import io.vertx.core.json.JsonObject;

/**
 * The stored form of one user. Mutable and unsynchronised: only {@link Store} touches it, under its lock.
 * The password marker never leaves this class except through {@link Passwords#matches}.
 */
final class UserRecord {

  final String id;
  /** Creation order; createdAt alone cannot order users created in the same millisecond. */
  final long sequence;
  final long createdAt;
  String username;
  String primaryEmail;
  String primaryPhone;
  String name;
  String avatar;
  JsonObject customData = new JsonObject();
  JsonObject identities = new JsonObject();
  JsonObject profile = new JsonObject();
  JsonObject logtoConfigs = new JsonObject();
  Long lastSignInAt;
  long updatedAt;
  boolean suspended;
  String passwordMarker;
  /** Logto keeps {@code isPasswordExpired} but does not show it in the Management API's user. */
  boolean passwordExpired;

  UserRecord(String id, long sequence, long createdAt) {
    this.id = id;
    this.sequence = sequence;
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
  }

  /** The user as the Management API shows it; a deep copy, so callers may keep or change it freely. */
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("username", username)
        .put("primaryEmail", primaryEmail)
        .put("primaryPhone", primaryPhone)
        .put("name", name)
        .put("avatar", avatar)
        .put("customData", customData.copy())
        .put("identities", identities.copy())
        .put("lastSignInAt", lastSignInAt)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("profile", profile.copy())
        .put("applicationId", null)
        .put("cimdClientId", null)
        .put("isSuspended", suspended)
        .put("hasPassword", passwordMarker != null);
  }

  /** Everything a client could observe, minus the clock, to tell a real change from a no-op. */
  String observableState() {
    JsonObject json = toJson();
    json.remove("updatedAt");
    return json.encode() + "|" + logtoConfigs.encode() + "|" + passwordMarker;
  }
}
