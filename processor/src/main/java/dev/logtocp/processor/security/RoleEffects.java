package dev.logtocp.processor.security;

import java.util.List;

/**
 * What a command does to a user's roles, declared by its handler so that the issuer policy judges every command
 * alike instead of switching on command names.
 *
 * @param granted    role ids the command gives the user
 * @param removed    role ids the command takes away
 * @param removesAny true when the command can take away roles it does not name (a replace of the whole set), which
 *                   only an issuer allowed to revoke any role ({@code roles.revoke ["*"]}) may do
 */
public record RoleEffects(List<String> granted, List<String> removed, boolean removesAny) {
    private static final RoleEffects NONE = new RoleEffects(List.of(), List.of(), false);

    public RoleEffects {
        granted = granted == null ? List.of() : List.copyOf(granted);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }

    /** A command that changes no roles. */
    public static RoleEffects none() {
        return NONE;
    }

    public static RoleEffects granting(List<String> roleIds) {
        return new RoleEffects(roleIds, List.of(), false);
    }

    public static RoleEffects removing(List<String> roleIds) {
        return new RoleEffects(List.of(), roleIds, false);
    }

    /** The user ends with exactly {@code roleIds}: those are granted, and any other role may be removed. */
    public static RoleEffects replacing(List<String> roleIds) {
        return new RoleEffects(roleIds, List.of(), true);
    }
}
