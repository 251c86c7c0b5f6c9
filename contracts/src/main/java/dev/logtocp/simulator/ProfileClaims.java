package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Logto's {@code userProfileGuard} as {@code POST /api/users} applies it (measured): the OpenID claims it knows
 * must be strings (address: an object of string fields), anything else is a 400 naming the claim's path, and
 * unknown claims are dropped without a word. Stateless.
 */
final class ProfileClaims {

    static final Set<String> STRING_CLAIMS = Set.of(
            "familyName",
            "givenName",
            "middleName",
            "nickname",
            "preferredUsername",
            "profile",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale");
    static final Set<String> ADDRESS_FIELDS =
            Set.of("formatted", "streetAddress", "locality", "region", "postalCode", "country");

    private ProfileClaims() {}

    /** The known claims of {@code profile}, or a guard error for the first one of the wrong type. */
    static JsonObject guardAndStrip(JsonObject profile) {
        JsonObject out = new JsonObject();
        for (String claim : profile.fieldNames()) {
            Object value = profile.getValue(claim);
            if (STRING_CLAIMS.contains(claim)) {
                if (!(value instanceof String)) {
                    throw Guard.invalidTypeAt(new JsonArray().add("profile").add(claim), "string", value);
                }
                out.put(claim, value);
            } else if (claim.equals("address")) {
                if (!(value instanceof JsonObject address)) {
                    throw Guard.invalidTypeAt(new JsonArray().add("profile").add("address"), "object", value);
                }
                JsonObject kept = new JsonObject();
                for (String field : address.fieldNames()) {
                    if (ADDRESS_FIELDS.contains(field)) {
                        if (!(address.getValue(field) instanceof String)) {
                            throw Guard.invalidTypeAt(
                                    new JsonArray()
                                            .add("profile")
                                            .add("address")
                                            .add(field),
                                    "string",
                                    address.getValue(field));
                        }
                        kept.put(field, address.getValue(field));
                    }
                }
                out.put("address", kept);
            }
        }
        return out;
    }
}
