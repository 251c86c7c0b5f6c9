package dev.logtocp.processor.it;

import dev.logtocp.contract.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which of the processor's requests to a real Logto changed it, and how, in the simulator's words
 * ({@code user.update}, {@code organization.member.add}, ...), so that "applied once" reads the same on both.
 *
 * <p>The simulator records a change only when one happened (a PATCH with the values a user already has is no
 * mutation). A real Logto answers 200 either way and bumps {@code updatedAt}, so a write whose effect Logto shows is
 * judged by what it shows: a snapshot through the Management API before the write and one after it (users without
 * {@code updatedAt}, role lists, organization members, logto-configs), a mutation when they differ. A write whose
 * effect Logto does not show, or that always changes something (a create, a delete, a password), is a mutation when
 * answered 2xx. The one flag Logto shows nowhere, {@code isPasswordExpired}, is followed from the writes themselves
 * (a user starts unexpired). Snapshots use the proxy's own management client, so they are not in the request log.
 *
 * <p>Threading: called by the proxy's request threads; the only state, the followed expiry flags, is concurrent.
 */
final class LogtoWrites {
    /** One change a write made: the user it touched (null for none) and the simulator's name for it. */
    record Change(String userId, String operation) {}

    /** A classified write: the snapshot to take before it, and the changes it made given the answer. */
    interface Write {
        Object before();

        List<Change> after(Object before, int status, byte[] answer);
    }

    private static final String USER = "^/api/users/([^/]+)";
    private static final String MEMBER = "^/api/organizations/([^/]+)/users/([^/]+)";
    private final ApiClient admin;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Boolean> passwordExpired = new ConcurrentHashMap<>();

    private record Route(String method, Pattern path, Classifier classifier) {}

    private interface Classifier {
        Write classify(Matcher path, byte[] body, String query);
    }

    LogtoWrites(ApiClient admin) {
        this.admin = admin;
        route("POST", "^/api/users$", (m, b, q) -> created());
        route("PATCH", USER + "$", (m, b, q) -> probed(m.group(1), "user.update", () -> user(m.group(1))));
        route("DELETE", USER + "$", (m, b, q) -> answered(m.group(1), "user.delete"));
        route(
                "PATCH",
                USER + "/custom-data$",
                (m, b, q) -> probed(m.group(1), "user.customData.update", () -> user(m.group(1))));
        route(
                "PATCH",
                USER + "/profile$",
                (m, b, q) -> probed(m.group(1), "user.profile.update", () -> user(m.group(1))));
        route(
                "PATCH",
                USER + "/password/expiration$",
                (m, b, q) -> expiration(m.group(1), json(b).getBoolean("isExpired", false)));
        route("PATCH", USER + "/password$", (m, b, q) -> answered(m.group(1), "user.password.set"));
        route("POST", USER + "/password/verify$", (m, b, q) -> null);
        route(
                "PATCH",
                USER + "/is-suspended$",
                (m, b, q) -> probed(
                        m.group(1),
                        json(b).getBoolean("isSuspended", false) ? "user.suspend" : "user.unsuspend",
                        () -> user(m.group(1))));
        route(
                "PATCH",
                USER + "/logto-configs$",
                (m, b, q) -> probed(
                        m.group(1),
                        "user.logtoConfigs.update",
                        () -> read("/api/users/" + m.group(1) + "/logto-configs")));
        route(
                "POST",
                USER + "/identities$",
                (m, b, q) -> probed(m.group(1), "user.identity.link", () -> user(m.group(1))));
        route(
                "PUT",
                USER + "/identities/[^/]+$",
                (m, b, q) -> probed(m.group(1), "user.identity.link", () -> user(m.group(1))));
        route("DELETE", USER + "/identities/[^/]+$", (m, b, q) -> answered(m.group(1), "user.identity.unlink"));
        route(
                "POST",
                USER + "/roles$",
                (m, b, q) -> probed(m.group(1), "user.roles.add", () -> ids("/api/users/" + m.group(1) + "/roles")));
        route(
                "PUT",
                USER + "/roles$",
                (m, b, q) ->
                        probed(m.group(1), "user.roles.replace", () -> ids("/api/users/" + m.group(1) + "/roles")));
        route("DELETE", USER + "/roles/[^/]+$", (m, b, q) -> answered(m.group(1), "user.roles.remove"));
        route(
                "DELETE",
                USER + "/sessions/[^/]+$",
                (m, b, q) -> sessionRevoke(m.group(1), q != null && q.contains("revokeGrantsTarget=")));
        route("DELETE", USER + "/grants/[^/]+$", (m, b, q) -> answered(m.group(1), "user.grant.revoke"));
        route("POST", USER + "/mfa-verifications$", (m, b, q) -> answered(m.group(1), "user.mfa.create"));
        route("DELETE", USER + "/mfa-verifications/[^/]+$", (m, b, q) -> answered(m.group(1), "user.mfa.delete"));
        route("POST", USER + "/personal-access-tokens/delete$", (m, b, q) -> answered(m.group(1), "user.pat.delete"));
        route("POST", USER + "/personal-access-tokens$", (m, b, q) -> answered(m.group(1), "user.pat.create"));
        route(
                "PATCH",
                USER + "/personal-access-tokens(/[^/]+)?$",
                (m, b, q) -> answered(m.group(1), "user.pat.update"));
        route("DELETE", USER + "/personal-access-tokens/[^/]+$", (m, b, q) -> answered(m.group(1), "user.pat.delete"));
        route("POST", "^/api/organizations/([^/]+)/users$", (m, b, q) -> membership(m.group(1)));
        route("PUT", "^/api/organizations/([^/]+)/users$", (m, b, q) -> membership(m.group(1)));
        route("DELETE", MEMBER + "$", (m, b, q) -> answered(m.group(2), "organization.member.remove"));
        route(
                "POST",
                MEMBER + "/roles$",
                (m, b, q) -> probed(
                        m.group(2),
                        "organization.member.roles.add",
                        () -> ids("/api/organizations/" + m.group(1) + "/users/" + m.group(2) + "/roles")));
        route(
                "PUT",
                MEMBER + "/roles$",
                (m, b, q) -> probed(
                        m.group(2),
                        "organization.member.roles.replace",
                        () -> ids("/api/organizations/" + m.group(1) + "/users/" + m.group(2) + "/roles")));
        route(
                "DELETE",
                MEMBER + "/roles/[^/]+$",
                (m, b, q) -> answered(m.group(2), "organization.member.roles.remove"));
    }

    private void route(String method, String regex, Classifier classifier) {
        routes.add(new Route(method, Pattern.compile(regex), classifier));
    }

    /**
     * The write a request is, or null for a read (GETs, the token endpoint, password checks). A write the table
     * does not know is a mutation named by its method and path when answered 2xx.
     */
    Write classify(String method, String rawPath, String rawQuery, byte[] body) {
        if (method.equals("GET") || method.equals("HEAD") || rawPath.startsWith("/oidc/")) {
            return null;
        }
        for (Route route : routes) {
            Matcher m = route.path().matcher(rawPath);
            if (route.method().equals(method) && m.matches()) {
                return route.classifier().classify(m, body, rawQuery);
            }
        }
        return answered(null, method + " " + rawPath);
    }

    private static boolean success(int status) {
        return status >= 200 && status < 300;
    }

    /** A mutation whenever Logto answers 2xx. */
    private static Write answered(String userId, String operation) {
        return new Write() {
            @Override
            public Object before() {
                return null;
            }

            @Override
            public List<Change> after(Object before, int status, byte[] answer) {
                return success(status) ? List.of(new Change(userId, operation)) : List.of();
            }
        };
    }

    /** A mutation when the snapshot changed, whatever the answer (Logto may change part and then fail). */
    private static Write probed(String userId, String operation, Supplier<Object> snapshot) {
        return new Write() {
            @Override
            public Object before() {
                return snapshot.get();
            }

            @Override
            public List<Change> after(Object before, int status, byte[] answer) {
                return before.equals(snapshot.get()) ? List.of() : List.of(new Change(userId, operation));
            }
        };
    }

    private static Write created() {
        return new Write() {
            @Override
            public Object before() {
                return null;
            }

            @Override
            public List<Change> after(Object before, int status, byte[] answer) {
                return success(status) ? List.of(new Change(json(answer).getString("id"), "user.create")) : List.of();
            }
        };
    }

    private Write expiration(String userId, boolean expired) {
        return new Write() {
            @Override
            public Object before() {
                return null;
            }

            @Override
            public List<Change> after(Object before, int status, byte[] answer) {
                if (!success(status) || passwordExpired.getOrDefault(userId, false) == expired) {
                    return List.of();
                }
                passwordExpired.put(userId, expired);
                return List.of(new Change(userId, "user.password.expiration"));
            }
        };
    }

    /** A session revocation, and a grants revocation when it named a grants target and grants went. */
    private Write sessionRevoke(String userId, boolean withGrants) {
        return new Write() {
            @Override
            public Object before() {
                return withGrants ? grantCount(userId) : 0;
            }

            @Override
            public List<Change> after(Object before, int status, byte[] answer) {
                if (!success(status)) {
                    return List.of();
                }
                List<Change> changes = new ArrayList<>();
                if (withGrants && grantCount(userId) < (Integer) before) {
                    changes.add(new Change(userId, "user.grants.revoke"));
                }
                changes.add(new Change(userId, "user.session.revoke"));
                return changes;
            }
        };
    }

    /** Organization members added or replaced: one change per user whose membership changed. */
    private Write membership(String organizationId) {
        return new Write() {
            @Override
            public Object before() {
                return members(organizationId);
            }

            @Override
            @SuppressWarnings("unchecked")
            public List<Change> after(Object before, int status, byte[] answer) {
                Set<String> was = (Set<String>) before;
                Set<String> now = members(organizationId);
                List<Change> changes = new ArrayList<>();
                was.stream()
                        .filter(id -> !now.contains(id))
                        .forEach(id -> changes.add(new Change(id, "organization.member.remove")));
                now.stream()
                        .filter(id -> !was.contains(id))
                        .forEach(id -> changes.add(new Change(id, "organization.member.add")));
                return changes;
            }
        };
    }

    private Set<String> members(String organizationId) {
        Set<String> ids = new TreeSet<>();
        for (int page = 1; ; page++) {
            ApiClient.Response answer =
                    admin.get("/api/organizations/" + organizationId + "/users?page_size=100&page=" + page);
            if (answer.status() != 200) {
                return ids;
            }
            JsonArray users = answer.array();
            users.forEach(u -> ids.add(((JsonObject) u).getString("id")));
            if (users.size() < 100) {
                return ids;
            }
        }
    }

    private int grantCount(String userId) {
        ApiClient.Response answer = admin.get("/api/users/" + userId + "/grants");
        return answer.status() == 200 ? answer.json().getJsonArray("grants").size() : 0;
    }

    /** The user as the API shows it, without {@code updatedAt}, which every write moves. */
    private String user(String userId) {
        ApiClient.Response answer = admin.get("/api/users/" + userId);
        if (answer.status() != 200) {
            return "HTTP " + answer.status();
        }
        JsonObject user = answer.json();
        user.remove("updatedAt");
        return user.encode();
    }

    private String read(String path) {
        ApiClient.Response answer = admin.get(path);
        return answer.status() + " " + answer.body();
    }

    /** The sorted ids of a list answer, or the status when there is none. */
    private String ids(String path) {
        ApiClient.Response answer = admin.get(path + "?page_size=100");
        if (answer.status() != 200) {
            return "HTTP " + answer.status();
        }
        Set<String> ids = new TreeSet<>();
        answer.array().forEach(o -> ids.add(((JsonObject) o).getString("id")));
        return ids.toString();
    }

    private static JsonObject json(byte[] body) {
        try {
            return body == null || body.length == 0
                    ? new JsonObject()
                    : new JsonObject(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }
}
