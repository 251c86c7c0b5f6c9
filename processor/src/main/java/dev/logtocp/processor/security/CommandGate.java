package dev.logtocp.processor.security;

import dev.logtocp.commands.CommandMeta;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * The first decision on a decoded command, before the idempotency ledger and before validation: is the claimed
 * issuer proven (when it must be, or whenever a signature is present), and may it send this command? Runs on the
 * consumer thread, which still has the record's raw bytes and headers.
 *
 * <p>Both checks precede the ledger on purpose: otherwise an unsigned command claiming another issuer's
 * idempotency key would be answered with that issuer's recorded result.
 */
public final class CommandGate {
    private final PolicyStore policies;
    private final SignatureVerifier verifier;

    public CommandGate(PolicyStore policies) {
        this.policies = policies;
        this.verifier = new SignatureVerifier(policies);
    }

    /** Why a command is refused, as an outcome error code and a message without secrets. */
    public record Refusal(String code, String message) {}

    /** @return the refusal, or null when the command may proceed */
    public Refusal check(
            CommandMeta meta, String commandType, RoleEffects roles, String topic, byte[] rawValue, Headers headers) {
        return check(meta, commandType, roles, Optional.empty(), topic, rawValue, headers);
    }

    /**
     * @param organizations what an organization command changes; empty for other commands
     * @return the refusal, or null when the command may proceed
     */
    public Refusal check(
            CommandMeta meta,
            String commandType,
            RoleEffects roles,
            Optional<OrganizationAccess> organizations,
            String topic,
            byte[] rawValue,
            Headers headers) {
        IssuerPolicy policy = policies.current();
        String issuer = meta.getIssuer();
        SignatureVerifier.Verdict verdict = verifier.verify(issuer, topic, rawValue, headers);
        if (verdict instanceof SignatureVerifier.Invalid invalid) {
            return new Refusal("signature_invalid", "the command's signature does not verify: " + invalid.reason());
        }
        if (verdict instanceof SignatureVerifier.UnknownKey unknown) {
            return new Refusal(
                    "signature_invalid", "the command is signed with a key not registered for issuer " + issuer);
        }
        if (verdict instanceof SignatureVerifier.Unsigned && policy.signatureRequired(issuer)) {
            return new Refusal("signature_required", "issuer " + issuer + " must sign its commands");
        }
        IssuerPolicy.Decision decision = policy.authorize(issuer, commandType, roles);
        if (decision instanceof IssuerPolicy.Denied denied) {
            return new Refusal("not_authorized", denied.reason());
        }
        if (organizations.isPresent()
                && policy.authorizeOrganizations(issuer, commandType, organizations.get())
                        instanceof IssuerPolicy.Denied denied) {
            return new Refusal("not_authorized", denied.reason());
        }
        return null;
    }
}
