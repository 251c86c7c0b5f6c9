package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationMembershipAdd;
import dev.logtocp.commands.UserRef;
import dev.logtocp.outcomes.OutcomeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Set-up the organization ITs share: a stack whose processor runs under an issuer policy with one unlimited issuer
 * ({@code it-suite}) and one limited to organization {@code acme} ({@code acme-hr}), and small helpers.
 */
final class OrganizationFixtures {
    /** The organizations and organization roles the policy names; created before the processor starts. */
    record World(ProcessorStack stack, String acme, String globex, String member, String admin) {}

    private OrganizationFixtures() {}

    static World start() {
        ProcessorStack stack = ProcessorStack.prepare(Map.of());
        String acme = stack.logto.createOrganization("acme");
        String globex = stack.logto.createOrganization("globex");
        String member = stack.logto.createOrganizationRole("member-" + UUID.randomUUID());
        String admin = stack.logto.createOrganizationRole("admin-" + UUID.randomUUID());
        try {
            Path policy = Files.createTempDirectory("org-policy").resolve("policy.json");
            Files.writeString(policy, """
                    {
                      "defaultIssuer": "deny",
                      "issuers": {
                        "it-suite": { "commands": ["*"], "roles": { "assign": ["*"], "revoke": ["*"] },
                          "organizations": { "ids": ["*"], "roles": { "assign": ["*"], "revoke": ["*"] } } },
                        "acme-hr": {
                          "commands": ["UserCreate", "OrganizationMembershipAdd", "OrganizationMembershipRemove",
                                       "OrganizationMembershipsReplace", "OrganizationRoleAssign",
                                       "OrganizationRolesReplace", "OrganizationRoleRevoke"],
                          "organizations": { "ids": ["%s"], "roles": { "assign": ["%s"], "revoke": ["%s"] } }
                        }
                      }
                    }
                    """.formatted(acme, member, member));
            stack.startProcessor(Map.of("ISSUER_POLICY_FILE", policy.toString()));
        } catch (java.io.IOException e) {
            stack.close();
            throw new java.io.UncheckedIOException(e);
        }
        return new World(stack, acme, globex, member, admin);
    }

    static CommandMeta metaFrom(String issuer, String idempotencyKey) {
        return CommandMeta.newBuilder(meta(idempotencyKey)).setIssuer(issuer).build();
    }

    /** Makes the user a member through the processor. */
    static void join(ProcessorStack stack, String key, UserRef user, String organizationId) {
        assertThat(Fixtures.run(
                                stack,
                                key,
                                OrganizationMembershipAdd.newBuilder()
                                        .setMeta(meta(ProcessorStack.unique("join")))
                                        .setUser(user)
                                        .setOrganizationId(organizationId)
                                        .build())
                        .getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
    }

    /** Waits up to 10 s for {@code check}, for faults that apply a change without answering. */
    static void await(BooleanSupplier check) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!check.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
