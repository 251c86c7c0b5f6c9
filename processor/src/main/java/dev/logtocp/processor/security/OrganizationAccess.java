package dev.logtocp.processor.security;

import java.util.List;

/**
 * What an organization command changes, in the terms the issuer policy judges. Built by the command's handler;
 * immutable.
 *
 * @param organizationIds             organizations whose membership or roles the command changes by name
 * @param rolesGranted                organization role ids the command gives
 * @param rolesRemoved                organization role ids the command takes away by name
 * @param removesUnnamedRoles         true when the command may take away organization roles it does not name: a
 *                                    roles replace, or leaving an organization (Logto drops the roles held there)
 * @param changesUnnamedOrganizations true when the command may change memberships of organizations it does not
 *                                    name (a memberships replace removes the user from every other organization)
 */
public record OrganizationAccess(
        List<String> organizationIds,
        List<String> rolesGranted,
        List<String> rolesRemoved,
        boolean removesUnnamedRoles,
        boolean changesUnnamedOrganizations) {

    public OrganizationAccess {
        organizationIds = List.copyOf(organizationIds);
        rolesGranted = List.copyOf(rolesGranted);
        rolesRemoved = List.copyOf(rolesRemoved);
    }
}
