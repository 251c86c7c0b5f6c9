package dev.logtocp.processor.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** Finds the handler for a decoded command's class. Immutable after construction; thread-safe. */
public final class HandlerRegistry {
    private final Map<Class<?>, CommandHandler<?>> byType;
    private final List<Class<?>> commandTypes;

    public HandlerRegistry(List<CommandHandler<?>> handlers) {
        Map<Class<?>, CommandHandler<?>> map = new HashMap<>();
        for (CommandHandler<?> handler : handlers) {
            if (map.put(handler.commandType(), handler) != null) {
                throw new IllegalArgumentException(
                        "two handlers for " + handler.commandType().getSimpleName());
            }
        }
        this.byType = Map.copyOf(map);
        this.commandTypes =
                handlers.stream().<Class<?>>map(CommandHandler::commandType).toList();
    }

    /**
     * The command types, in the order the handlers were given. {@link #standard} is the one list of the commands
     * this processor executes: tests and checks of the docs derive from it.
     */
    public List<Class<?>> commandTypes() {
        return commandTypes;
    }

    /** Every command type this processor executes. */
    public static HandlerRegistry standard(RecipientKeys passwordRecipients) {
        return new HandlerRegistry(List.of(
                new UserCreateHandler(),
                new UserUpdateHandler(),
                new UserDeleteHandler(),
                new UserCustomDataMergeHandler(),
                new UserProfileUpdateHandler(),
                new PasswordSetHandler(),
                new UserSuspendHandler(),
                new LogtoConfigUpdateHandler(),
                new RoleAssignHandler(),
                new RolesReplaceHandler(),
                new RoleRevokeHandler(),
                new IdentityLinkHandler(),
                new IdentityReplaceHandler(),
                new IdentityUnlinkHandler(),
                new MfaVerificationCreateHandler(),
                new MfaVerificationDeleteHandler(),
                new PersonalAccessTokenCreateHandler(),
                new PersonalAccessTokenUpdateHandler(),
                new PersonalAccessTokenDeleteHandler(),
                new SessionRevokeHandler(),
                new GrantRevokeHandler(),
                // composites: several calls, each step idempotent
                new SessionRevokeAllHandler(),
                new MfaResetHandler(),
                new PasswordChangeHandler(),
                new PasswordResetHandler(passwordRecipients),
                // organizations (keyed by the user, like every command above) and password expiration
                new OrganizationMembershipAddHandler(),
                new OrganizationMembershipRemoveHandler(),
                new OrganizationMembershipsReplaceHandler(),
                new OrganizationRoleAssignHandler(),
                new OrganizationRolesReplaceHandler(),
                new OrganizationRoleRevokeHandler(),
                new PasswordExpirationSetHandler()));
    }

    @SuppressWarnings("unchecked")
    public <C extends SpecificRecord> Optional<CommandHandler<C>> find(Class<C> type) {
        return Optional.ofNullable((CommandHandler<C>) byType.get(type));
    }

    /**
     * The handler of a decoded command, typed for the command itself, so the engine looks it up once and carries it
     * along with the command.
     */
    @SuppressWarnings("unchecked")
    public Optional<CommandHandler<SpecificRecord>> forCommand(SpecificRecord command) {
        return Optional.ofNullable((CommandHandler<SpecificRecord>) byType.get(command.getClass()));
    }

    public boolean handles(Class<?> type) {
        return byType.containsKey(type);
    }
}
