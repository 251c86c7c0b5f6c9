package dev.logtocp.simulator;

import io.vertx.core.json.JsonObject;

/** A role as stored; immutable. {@code type} is {@code User} or {@code MachineToMachine}. */
record Role(String id, String name, String description, String type, boolean isDefault) {

    JsonObject toJson() {
        return new JsonObject()
                .put("tenantId", "default")
                .put("id", id)
                .put("name", name)
                .put("description", description)
                .put("type", type)
                .put("isDefault", isDefault);
    }

    static Role fromJson(JsonObject json) {
        return new Role(
                json.getString("id"),
                json.getString("name"),
                json.getString("description"),
                json.getString("type"),
                json.getBoolean("isDefault", false));
    }
}
