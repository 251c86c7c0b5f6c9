package dev.logtocp.simulator;

import static dev.logtocp.simulator.Http.body;
import static dev.logtocp.simulator.Http.idempotencyKey;
import static dev.logtocp.simulator.Http.route;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The organization part of the Management API as Logto 1.42 answers it: {@code /api/organizations} (create, get,
 * delete, members, members' organization roles), {@code /api/organization-roles} (create, get, delete) and
 * {@code GET /api/users/{userId}/organizations}. State lives in the {@link OrganizationStore}. Event loop only.
 */
final class OrganizationRoutes {

    private final Store store;
    private final OrganizationStore organizations;

    OrganizationRoutes(Store store) {
        this.store = store;
        this.organizations = store.organizations;
    }

    void mount(Router router) {
        String organization = "/api/organizations/:id";
        String member = organization + "/users/:userId";
        router.post("/api/organizations").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body)
                    .requiredString("name")
                    .string("description", null, true)
                    .check();
            return Reply.of(
                    201,
                    organizations.createOrganization(
                            body.getString("name"), body.getString("description"), idempotencyKey(ctx), true));
        }));
        router.get(organization).handler(route(ctx -> Reply.ok(organizations.organization(id(ctx)))));
        router.delete(organization).handler(route(ctx -> {
            organizations.deleteOrganization(id(ctx), idempotencyKey(ctx));
            return Reply.noContent();
        }));

        // Members. An unknown organization lists no members (200 []), as on Logto.
        router.get(organization + "/users").handler(route(ctx -> {
            JsonArray members = organizations.membersOf(id(ctx));
            return Reply.paged(members, members.size());
        }));
        router.post(organization + "/users").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body).idArray("userIds", true, true).check();
            List<String> userIds = Http.strings(body.getJsonArray("userIds"));
            organizations.addMembers(id(ctx), List.copyOf(new LinkedHashSet<>(userIds)), idempotencyKey(ctx));
            // Logto echoes the request's list as sent, duplicates included.
            return Reply.of(201, new JsonObject().put("userIds", new JsonArray(userIds)));
        }));
        router.put(organization + "/users").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body).idArray("userIds", false, true).check();
            organizations.replaceMembers(id(ctx), Http.strings(body.getJsonArray("userIds")), idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.post(organization + "/users/roles").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body)
                    .idArray("userIds", true, true)
                    .idArray("organizationRoleIds", true, true)
                    .check();
            organizations.addMemberRoles(
                    id(ctx),
                    distinct(Http.strings(body.getJsonArray("userIds"))),
                    distinct(Http.strings(body.getJsonArray("organizationRoleIds"))),
                    idempotencyKey(ctx));
            // Logto answers this one with a plain-text body.
            return Reply.of(201, "Created");
        }));
        router.delete(member).handler(route(ctx -> {
            organizations.removeMember(id(ctx), ctx.pathParam("userId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));

        // A member's organization roles: Logto checks membership before it reads the body.
        router.get(member + "/roles").handler(route(ctx -> {
            JsonArray roles = organizations.memberRoles(id(ctx), ctx.pathParam("userId"));
            return Reply.ok(roles);
        }));
        router.post(member + "/roles").handler(route(ctx -> {
            organizations.requireMembership(id(ctx), ctx.pathParam("userId"));
            List<String> roleIds = requestedRoles(body(ctx));
            organizations.addMemberRoles(id(ctx), List.of(ctx.pathParam("userId")), roleIds, idempotencyKey(ctx));
            return Reply.of(201, new JsonObject().put("organizationRoleIds", new JsonArray(roleIds)));
        }));
        router.put(member + "/roles").handler(route(ctx -> {
            organizations.requireMembership(id(ctx), ctx.pathParam("userId"));
            List<String> roleIds = requestedRoles(body(ctx));
            organizations.replaceMemberRoles(id(ctx), ctx.pathParam("userId"), roleIds, idempotencyKey(ctx));
            return Reply.noContent();
        }));
        router.delete(member + "/roles/:roleId").handler(route(ctx -> {
            organizations.requireMembership(id(ctx), ctx.pathParam("userId"));
            organizations.removeMemberRole(
                    id(ctx), ctx.pathParam("userId"), ctx.pathParam("roleId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));

        router.get("/api/users/:userId/organizations")
                .handler(route(ctx -> Reply.ok(organizations.organizationsOf(ctx.pathParam("userId")))));

        router.post("/api/organization-roles").handler(route(ctx -> {
            JsonObject body = body(ctx);
            new Guard(body)
                    .requiredString("name")
                    .string("description", null, true)
                    .oneOf("type", List.of("User", "MachineToMachine"), false)
                    .check();
            return Reply.of(
                    201,
                    organizations.createRole(
                            body.getString("name"),
                            body.getString("description"),
                            body.getString("type", "User"),
                            idempotencyKey(ctx),
                            true));
        }));
        router.get("/api/organization-roles/:roleId")
                .handler(route(ctx -> Reply.ok(organizations.role(ctx.pathParam("roleId")))));
        router.delete("/api/organization-roles/:roleId").handler(route(ctx -> {
            organizations.deleteRole(ctx.pathParam("roleId"), idempotencyKey(ctx));
            return Reply.noContent();
        }));
    }

    private static String id(RoutingContext ctx) {
        return ctx.pathParam("id");
    }

    /** {@code organizationRoleIds} and {@code organizationRoleNames}, both optional, as one list of ids. */
    private List<String> requestedRoles(JsonObject body) {
        new Guard(body)
                .idArray("organizationRoleIds", false, false)
                .idArray("organizationRoleNames", false, false)
                .check();
        List<String> ids = new ArrayList<>(
                body.containsKey("organizationRoleIds")
                        ? Http.strings(body.getJsonArray("organizationRoleIds"))
                        : List.of());
        if (body.containsKey("organizationRoleNames")) {
            ids.addAll(organizations.roleIdsByName(Http.strings(body.getJsonArray("organizationRoleNames"))));
        }
        return distinct(ids);
    }

    private static List<String> distinct(List<String> ids) {
        return List.copyOf(new LinkedHashSet<>(ids));
    }
}
