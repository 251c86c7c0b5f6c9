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
                .put("isSuspended", suspended)
                .put("hasPassword", passwordMarker != null);
    }

    /** Every field, password marker included, for the state directory; {@link #fromStored} reads it back. */
    JsonObject toStored() {
        return new JsonObject()
                .put("id", id)
                .put("sequence", sequence)
                .put("createdAt", createdAt)
                .put("username", username)
                .put("primaryEmail", primaryEmail)
                .put("primaryPhone", primaryPhone)
                .put("name", name)
                .put("avatar", avatar)
                .put("customData", customData.copy())
                .put("identities", identities.copy())
                .put("profile", profile.copy())
                .put("logtoConfigs", logtoConfigs.copy())
                .put("lastSignInAt", lastSignInAt)
                .put("updatedAt", updatedAt)
                .put("suspended", suspended)
                .put("passwordMarker", passwordMarker);
    }

    static UserRecord fromStored(JsonObject json) {
        UserRecord user = new UserRecord(json.getString("id"), json.getLong("sequence"), json.getLong("createdAt"));
        user.username = json.getString("username");
        user.primaryEmail = json.getString("primaryEmail");
        user.primaryPhone = json.getString("primaryPhone");
        user.name = json.getString("name");
        user.avatar = json.getString("avatar");
        user.customData = json.getJsonObject("customData", new JsonObject()).copy();
        user.identities = json.getJsonObject("identities", new JsonObject()).copy();
        user.profile = json.getJsonObject("profile", new JsonObject()).copy();
        user.logtoConfigs = json.getJsonObject("logtoConfigs", new JsonObject()).copy();
        user.lastSignInAt = json.getLong("lastSignInAt");
        user.updatedAt = json.getLong("updatedAt", user.createdAt);
        user.suspended = json.getBoolean("suspended", false);
        user.passwordMarker = json.getString("passwordMarker");
        return user;
    }

    /** Everything a client could observe, minus the clock, to tell a real change from a no-op. */
    String observableState() {
        JsonObject json = toJson();
        json.remove("updatedAt");
        return json.encode() + "|" + logtoConfigs.encode() + "|" + passwordMarker;
    }
}
