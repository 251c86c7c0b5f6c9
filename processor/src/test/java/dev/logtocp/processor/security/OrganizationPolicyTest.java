package dev.logtocp.processor.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.OrganizationMembershipAdd;
import dev.logtocp.commands.OrganizationMembershipRemove;
import dev.logtocp.commands.OrganizationMembershipsReplace;
import dev.logtocp.commands.OrganizationRoleAssign;
import dev.logtocp.commands.OrganizationRoleRevoke;
import dev.logtocp.commands.OrganizationRolesReplace;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.command.HandlerRegistry;
import dev.logtocp.processor.command.RecipientKeys;
import dev.logtocp.processor.security.IssuerPolicy.Decision;
import dev.logtocp.processor.security.IssuerPolicy.Denied;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The issuer policy's organization limits, judged on what the real handlers say each command changes, so a
 * handler that under-reports (say, a replace that claims to remove nothing) fails here.
 */
class OrganizationPolicyTest {

    static final String POLICY = """
            {
              "defaultIssuer": "deny",
              "issuers": {
                "acme-hr": { "commands": ["*"],
                  "organizations": { "ids": ["org-acme"], "roles": { "assign": ["member"], "revoke": ["member"] } } },
                "acme-admin": { "commands": ["*"],
                  "organizations": { "ids": ["org-acme"], "roles": { "assign": ["*"], "revoke": ["*"] } } },
                "provisioner": { "commands": ["*"],
                  "organizations": { "ids": ["*"], "roles": { "assign": ["*"], "revoke": ["*"] } } },
                "no-orgs": { "commands": ["*"], "roles": { "assign": ["*"], "revoke": ["*"] } }
              }
            }
            """;

    private final IssuerPolicy policy = IssuerPolicy.parse(POLICY);
    private final HandlerRegistry handlers = HandlerRegistry.standard(RecipientKeys.none());

    private static CommandMeta meta(String issuer) {
        return CommandMeta.newBuilder()
                .setCommandId("c")
                .setIdempotencyKey("k")
                .setIssuer(issuer)
                .setIssuedAt(Instant.EPOCH)
                .build();
    }

    private static final UserRef USER = new UserRef(UserRefKind.ID, "u1");

    /** The decision the command gate makes: command type first, then the organization limits. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Decision decide(String issuer, SpecificRecord command) {
        CommandHandler handler = handlers.find(command.getClass()).orElseThrow();
        Decision byType = policy.authorize(issuer, command.getSchema().getName(), handler.roleEffects(command));
        if (!byType.allowed()) {
            return byType;
        }
        return ((java.util.Optional<OrganizationAccess>) handler.organizationAccess(command))
                .map(access -> policy.authorizeOrganizations(
                        issuer, command.getSchema().getName(), access))
                .orElse(Decision.ALLOWED);
    }

    private static String denial(Decision decision) {
        return decision instanceof Denied denied ? denied.reason() : null;
    }

    private static OrganizationMembershipAdd add(String issuer, String org) {
        return new OrganizationMembershipAdd(meta(issuer), USER, org);
    }

    private static OrganizationMembershipRemove remove(String issuer, String org) {
        return new OrganizationMembershipRemove(meta(issuer), USER, org);
    }

    private static OrganizationRoleAssign assign(String issuer, String org, String... roles) {
        return new OrganizationRoleAssign(meta(issuer), USER, org, List.of(roles));
    }

    private static OrganizationRolesReplace replaceRoles(String issuer, String org, String... roles) {
        return new OrganizationRolesReplace(meta(issuer), USER, org, List.of(roles));
    }

    private static OrganizationRoleRevoke revoke(String issuer, String org, String role) {
        return new OrganizationRoleRevoke(meta(issuer), USER, org, role);
    }

    private static OrganizationMembershipsReplace replaceMemberships(String issuer, String... orgs) {
        return new OrganizationMembershipsReplace(meta(issuer), USER, List.of(orgs));
    }

    @Test
    void anIssuerLimitedToOneOrganizationManagesOnlyItsRolesThere() {
        assertThat(decide("acme-hr", add("acme-hr", "org-acme")).allowed()).isTrue();
        assertThat(decide("acme-hr", assign("acme-hr", "org-acme", "member")).allowed())
                .isTrue();
        assertThat(decide("acme-hr", revoke("acme-hr", "org-acme", "member")).allowed())
                .isTrue();

        assertThat(denial(decide("acme-hr", add("acme-hr", "org-globex"))))
                .isEqualTo("issuer acme-hr may not change organization org-globex");
        assertThat(denial(decide("acme-hr", assign("acme-hr", "org-acme", "member", "admin"))))
                .isEqualTo("issuer acme-hr may not assign organization role admin");
        assertThat(denial(decide("acme-hr", revoke("acme-hr", "org-acme", "admin"))))
                .isEqualTo("issuer acme-hr may not revoke organization role admin");
        assertThat(denial(decide("acme-hr", assign("acme-hr", "org-globex", "member"))))
                .isEqualTo("issuer acme-hr may not change organization org-globex");
    }

    @Test
    void removingAMemberOrReplacingRolesNeedsRevokeStarBecauseRolesGoWithIt() {
        assertThat(denial(decide("acme-hr", remove("acme-hr", "org-acme"))))
                .contains("may not send OrganizationMembershipRemove", "organizations.roles.revoke [\"*\"]");
        assertThat(denial(decide("acme-hr", replaceRoles("acme-hr", "org-acme", "member"))))
                .contains("may not send OrganizationRolesReplace", "organizations.roles.revoke [\"*\"]");
        assertThat(decide("acme-admin", remove("acme-admin", "org-acme")).allowed())
                .isTrue();
        assertThat(decide("acme-admin", replaceRoles("acme-admin", "org-acme")).allowed())
                .isTrue();
        assertThat(denial(decide("acme-admin", remove("acme-admin", "org-globex"))))
                .isEqualTo("issuer acme-admin may not change organization org-globex");
    }

    @Test
    void replacingMembershipsNeedsEveryOrganization() {
        assertThat(denial(decide("acme-admin", replaceMemberships("acme-admin", "org-acme"))))
                .contains("may not send OrganizationMembershipsReplace", "organizations.ids [\"*\"]");
        assertThat(decide("provisioner", replaceMemberships("provisioner", "org-acme", "org-globex"))
                        .allowed())
                .isTrue();
        assertThat(decide("provisioner", replaceMemberships("provisioner")).allowed())
                .isTrue();
    }

    @Test
    void anIssuerWithoutOrganizationsMaySendNoOrganizationCommandButOthersStillPass() {
        assertThat(denial(decide("no-orgs", add("no-orgs", "org-acme"))))
                .isEqualTo("issuer no-orgs may not change organization org-acme");
        assertThat(denial(decide("no-orgs", replaceMemberships("no-orgs")))).contains("organizations.ids [\"*\"]");
        assertThat(policy.authorize("no-orgs", "RoleAssign", RoleEffects.granting(List.of("r")))
                        .allowed())
                .isTrue();
    }

    @Test
    void unlistedIssuersFollowDefaultIssuer() {
        assertThat(denial(decide("stranger", add("stranger", "org-acme")))).contains("not in the issuer policy");
        IssuerPolicy allow = IssuerPolicy.parse("{\"defaultIssuer\": \"allow\"}");
        assertThat(allow.authorizeOrganizations(
                                "stranger",
                                "OrganizationMembershipsReplace",
                                new OrganizationAccess(List.of("x"), List.of("r"), List.of("r"), true, true))
                        .allowed())
                .isTrue();
        assertThat(IssuerPolicy.allowAll()
                        .authorizeOrganizations(
                                "anyone",
                                "OrganizationRoleAssign",
                                new OrganizationAccess(List.of("x"), List.of("r"), List.of(), false, false))
                        .allowed())
                .isTrue();
    }

    @Test
    void theGateRefusesAnOrganizationOutsideThePolicyAsNotAuthorized() {
        CommandGate gate = new CommandGate(PolicyStore.fixed(policy));
        OrganizationMembershipAdd command = add("acme-hr", "org-globex");
        CommandGate.Refusal refusal = gate.check(
                command.getMeta(),
                "OrganizationMembershipAdd",
                RoleEffects.none(),
                handlers.find(OrganizationMembershipAdd.class).orElseThrow().organizationAccess(command),
                "t",
                new byte[0],
                new org.apache.kafka.common.header.internals.RecordHeaders());
        assertThat(refusal)
                .isEqualTo(new CommandGate.Refusal(
                        "not_authorized", "issuer acme-hr may not change organization org-globex"));
        // Negative control: the same command for the allowed organization passes the same gate.
        OrganizationMembershipAdd allowed = add("acme-hr", "org-acme");
        assertThat(gate.check(
                        allowed.getMeta(),
                        "OrganizationMembershipAdd",
                        RoleEffects.none(),
                        handlers.find(OrganizationMembershipAdd.class)
                                .orElseThrow()
                                .organizationAccess(allowed),
                        "t",
                        new byte[0],
                        new org.apache.kafka.common.header.internals.RecordHeaders()))
                .isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not object       | {"issuers": {"a": {"commands": [], "organizations": []}}}                                  | issuers.a.organizations: must be an object
            ids missing      | {"issuers": {"a": {"commands": [], "organizations": {}}}}                                  | issuers.a.organizations.ids: is required
            ids not array    | {"issuers": {"a": {"commands": [], "organizations": {"ids": "*"}}}}                        | issuers.a.organizations.ids: must be an array of strings
            blank id         | {"issuers": {"a": {"commands": [], "organizations": {"ids": [" "]}}}}                      | issuers.a.organizations.ids[0]: must be a non-empty string
            unknown field    | {"issuers": {"a": {"commands": [], "organizations": {"ids": [], "org": []}}}}              | issuers.a.organizations.org: unknown field
            roles not object | {"issuers": {"a": {"commands": [], "organizations": {"ids": [], "roles": []}}}}            | issuers.a.organizations.roles: must be an object
            unknown role key | {"issuers": {"a": {"commands": [], "organizations": {"ids": [], "roles": {"add": []}}}}}   | issuers.a.organizations.roles.add: unknown field
            role not string  | {"issuers": {"a": {"commands": [], "organizations": {"ids": [], "roles": {"assign": [1]}}}}} | issuers.a.organizations.roles.assign[0]: must be a non-empty string
            """)
    void everyOrganizationsErrorNamesItsPath(String name, String json, String expected) {
        assertThatThrownBy(() -> IssuerPolicy.parse(json))
                .isInstanceOf(IssuerPolicyException.class)
                .hasMessageStartingWith(expected);
    }
}
