package dev.logtocp.processor.command;

import dev.logtocp.processor.command.UserResolver.ResolvedUser;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a user's personal access tokens to settle a replay. The listing carries the token values, which are
 * secrets: only names and expiry are taken from it, and it is never logged.
 */
final class PersonalAccessTokens {
    /** What is known of one token without its value. */
    record TokenFacts(String name, Long expiresAt) {}

    private PersonalAccessTokens() {}

    /** The user's tokens by name, or empty when the user does not exist. */
    static Future<Optional<Map<String, TokenFacts>>> list(ResolvedUser user, ExecutionContext ctx) {
        return ctx.logto()
                .get("user.pat.list", user.path() + "/personal-access-tokens", Map.of())
                .map(response -> LogtoAnswers.found(response, "user.pat.list").map(PersonalAccessTokens::facts));
    }

    private static Map<String, TokenFacts> facts(LogtoResponse response) {
        JsonArray tokens = response.jsonArray();
        Map<String, TokenFacts> byName = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            JsonObject token = tokens.getJsonObject(i);
            Object expiresAt = token.getValue("expiresAt");
            byName.put(
                    token.getString("name"),
                    new TokenFacts(token.getString("name"), expiresAt instanceof Number n ? n.longValue() : null));
        }
        return byName;
    }
}
