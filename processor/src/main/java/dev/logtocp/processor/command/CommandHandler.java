package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.security.OrganizationAccess;
import dev.logtocp.processor.security.RoleEffects;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Applies one command type to Logto. One implementation per Avro command record.
 *
 * <p>Contract: {@link #execute} must be naturally idempotent. The engine may run it again after a timeout, a
 * crash or a retry, possibly after Logto already applied an earlier attempt; running it again must then make no
 * second change and still end SUCCEEDED. {@link #execute} is called on a Vert.x event loop and never blocks.
 * A failed future carries a {@link dev.logtocp.processor.logto.LogtoException} (the engine retries the retryable
 * ones) or a {@link CommandFailure} (a permanent, decided failure).
 */
public interface CommandHandler<C extends SpecificRecord> {

    Class<C> commandType();

    /** The audit action, e.g. {@code user.create}. */
    String action();

    CommandMeta meta(C command);

    /** The user the command targets, when it names one (a create does not). */
    Optional<UserRef> target(C command);

    /** Field-level problems; empty when the command may be executed. Never echoes secret values. */
    List<FieldError> validate(C command);

    /** Names of the user attributes this command sets, for the audit event. */
    List<String> changedFields(C command);

    Future<HandlerResult> execute(C command, ExecutionContext context);

    /** What this command does to the user's roles, for the issuer policy; none for most commands. */
    default RoleEffects roleEffects(C command) {
        return RoleEffects.none();
    }

    /** The organizations and organization roles this command changes, for the issuer policy; empty for others. */
    default Optional<OrganizationAccess> organizationAccess(C command) {
        return Optional.empty();
    }

    /** The externalId a successful run of this command maps to the user it names (UserCreate). */
    default Optional<String> establishesExternalId(C command) {
        return Optional.empty();
    }

    /** The externalId mapping a successful run of this command removes (UserDelete by EXTERNAL_ID). */
    default Optional<String> releasesExternalId(C command) {
        return Optional.empty();
    }
}
