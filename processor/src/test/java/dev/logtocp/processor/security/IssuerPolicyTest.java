package dev.logtocp.processor.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.processor.security.IssuerPolicy.Decision;
import dev.logtocp.processor.security.IssuerPolicy.Denied;
import dev.logtocp.schema.signing.Ed25519Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IssuerPolicyTest {

    static final KeyPair SUPPORT = Ed25519Keys.generate();
    static final String SECRET_TEXT = "this-is-a-test-secret-of-enough-length-0123456789";

    @TempDir
    Path dir;

    Path secretFile() throws Exception {
        Path file = dir.resolve("support-hmac");
        Files.writeString(file, SECRET_TEXT + "\n");
        return file;
    }

    String example() throws Exception {
        return """
                {
                  "defaultIssuer": "deny",
                  "issuers": {
                    "support-tool": {
                      "commands": ["SessionRevoke", "SessionRevokeAll", "MfaReset", "RoleRevoke"],
                      "roles": { "assign": [], "revoke": ["*"] },
                      "requireSignature": true,
                      "keys": {
                        "support-2026-01": { "alg": "ed25519", "publicKey": "%s" },
                        "support-hmac": { "alg": "hmac-sha256", "secretFile": "%s" }
                      }
                    },
                    "hr-system": { "commands": ["*"], "roles": { "assign": ["role-employee"], "revoke": ["role-employee"] }, "requireSignature": false },
                    "iam-admin": { "commands": ["RolesReplace", "RoleAssign"], "roles": { "assign": ["*"], "revoke": ["*"] } }
                  }
                }
                """.formatted(Ed25519Keys.toBase64(SUPPORT.getPublic()), secretFile());
    }

    static String denial(Decision decision) {
        return decision instanceof Denied denied ? denied.reason() : null;
    }

    @Test
    void parsesTheExampleAndAuthorizesCommands() throws Exception {
        IssuerPolicy policy = IssuerPolicy.parse(example());

        assertThat(policy.issuers()).containsExactlyInAnyOrder("support-tool", "hr-system", "iam-admin");
        assertThat(policy.defaultIssuer()).isEqualTo(IssuerPolicy.DefaultIssuer.DENY);
        assertThat(policy.authorize("support-tool", "SessionRevoke", RoleEffects.none()))
                .isEqualTo(Decision.ALLOWED);
        assertThat(policy.authorize("support-tool", "MfaReset", RoleEffects.none())
                        .allowed())
                .isTrue();
        assertThat(denial(policy.authorize("support-tool", "RoleAssign", RoleEffects.granting(List.of("role-admin")))))
                .isEqualTo("issuer support-tool may not send RoleAssign");
        assertThat(denial(policy.authorize("support-tool", "UserDelete", RoleEffects.none())))
                .isEqualTo("issuer support-tool may not send UserDelete");
        assertThat(policy.authorize("hr-system", "UserDelete", RoleEffects.none())
                        .allowed())
                .isTrue();
        assertThat(denial(policy.authorize("hr-system", null, RoleEffects.none())))
                .contains("may not send");
        assertThat(policy.key("support-tool", "support-hmac"))
                .get()
                .satisfies(k -> assertThat(k.secret()).isEqualTo(SECRET_TEXT.getBytes()));
        assertThat(policy.key("support-tool", "support-2026-01"))
                .get()
                .satisfies(k -> assertThat(k.publicKey().getEncoded())
                        .isEqualTo(SUPPORT.getPublic().getEncoded()));
        assertThat(policy.key("hr-system", "support-hmac")).isEmpty();
        assertThat(policy.toString()).doesNotContain(SECRET_TEXT);
    }

    @Test
    void rolesAreCheckedPerRoleIdWithStar() throws Exception {
        IssuerPolicy policy = IssuerPolicy.parse(example());

        assertThat(policy.authorize("hr-system", "RoleAssign", RoleEffects.granting(List.of("role-employee")))
                        .allowed())
                .isTrue();
        assertThat(denial(policy.authorize(
                        "hr-system", "RoleAssign", RoleEffects.granting(List.of("role-employee", "role-admin")))))
                .isEqualTo("issuer hr-system may not assign role role-admin");
        assertThat(policy.authorize("hr-system", "RoleRevoke", RoleEffects.removing(List.of("role-employee")))
                        .allowed())
                .isTrue();
        assertThat(denial(policy.authorize("hr-system", "RoleRevoke", RoleEffects.removing(List.of("role-admin")))))
                .isEqualTo("issuer hr-system may not revoke role role-admin");
        assertThat(policy.authorize("support-tool", "RoleRevoke", RoleEffects.removing(List.of("anything")))
                        .allowed())
                .isTrue();
        assertThat(policy.authorize("iam-admin", "RoleAssign", RoleEffects.granting(List.of("x", "y")))
                        .allowed())
                .isTrue();
        // A command is judged by the role effects its handler declares, whatever its name: any command that would
        // grant role-admin is refused to hr-system, and one that declares none is judged on its type alone.
        assertThat(policy.authorize("hr-system", "UserCreate", RoleEffects.none())
                        .allowed())
                .isTrue();
        assertThat(denial(policy.authorize("hr-system", "UserCreate", RoleEffects.granting(List.of("role-admin")))))
                .isEqualTo("issuer hr-system may not assign role role-admin");
    }

    @Test
    void rolesReplaceNeedsRevokeStarAndEveryIdAssignable() throws Exception {
        IssuerPolicy policy = IssuerPolicy.parse(example());

        assertThat(policy.authorize("iam-admin", "RolesReplace", RoleEffects.replacing(List.of("a", "b")))
                        .allowed())
                .isTrue();
        assertThat(policy.authorize("iam-admin", "RolesReplace", RoleEffects.replacing(List.of()))
                        .allowed())
                .isTrue();
        // hr-system may assign and revoke role-employee only, but a replace can remove any other role.
        assertThat(denial(
                        policy.authorize("hr-system", "RolesReplace", RoleEffects.replacing(List.of("role-employee")))))
                .contains("may not send RolesReplace", "roles.revoke [\"*\"]");

        IssuerPolicy limitedAssign = IssuerPolicy.parse("""
                {"issuers": {"x": {"commands": ["RolesReplace"], "roles": {"assign": ["r1"], "revoke": ["*"]}}}}""");
        assertThat(limitedAssign
                        .authorize("x", "RolesReplace", RoleEffects.replacing(List.of("r1")))
                        .allowed())
                .isTrue();
        assertThat(denial(limitedAssign.authorize("x", "RolesReplace", RoleEffects.replacing(List.of("r1", "r2")))))
                .isEqualTo("issuer x may not assign role r2");
    }

    @Test
    void unknownIssuersFollowDefaultIssuer() throws Exception {
        IssuerPolicy deny = IssuerPolicy.parse(example());
        IssuerPolicy allow =
                IssuerPolicy.parse("{\"defaultIssuer\": \"allow\", \"issuers\": {\"a\": {\"commands\": []}}}");
        IssuerPolicy implicitDeny = IssuerPolicy.parse("{}");

        assertThat(denial(deny.authorize("stranger", "UserCreate", RoleEffects.none())))
                .isEqualTo("issuer stranger is not in the issuer policy");
        assertThat(denial(deny.authorize(null, "UserCreate", RoleEffects.none())))
                .contains("(none)");
        assertThat(denial(deny.authorize("x".repeat(500), "UserCreate", RoleEffects.none())))
                .hasSizeLessThan(120);
        assertThat(allow.authorize("stranger", "RolesReplace", RoleEffects.replacing(List.of("admin")))
                        .allowed())
                .isTrue();
        assertThat(denial(allow.authorize("a", "UserCreate", RoleEffects.none())))
                .isEqualTo("issuer a may not send UserCreate");
        assertThat(implicitDeny
                        .authorize("anyone", "UserCreate", RoleEffects.none())
                        .allowed())
                .isFalse();
        assertThat(IssuerPolicy.allowAll()
                        .authorize("anyone", "RolesReplace", RoleEffects.replacing(List.of("r")))
                        .allowed())
                .isTrue();
    }

    @Test
    void signatureRequiredOnlyWhereSaid() throws Exception {
        IssuerPolicy policy = IssuerPolicy.parse(example());

        assertThat(policy.signatureRequired("support-tool")).isTrue();
        assertThat(policy.signatureRequired("hr-system")).isFalse();
        assertThat(policy.signatureRequired("iam-admin")).isFalse();
        assertThat(policy.signatureRequired("stranger")).isFalse();
        assertThat(policy.signatureRequired(null)).isFalse();
    }

    @Test
    void loadResolvesKeyFilesAgainstThePolicyDirectory() throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/pub.pem"), Ed25519Keys.toPem(SUPPORT.getPublic()));
        Files.writeString(dir.resolve("keys/hmac"), SECRET_TEXT);
        Path file = dir.resolve("policy.json");
        Files.writeString(file, """
                {"issuers": {"a": {"commands": ["*"], "requireSignature": true, "keys": {
                  "pem": {"alg": "ed25519", "publicKeyFile": "keys/pub.pem"},
                  "mac": {"alg": "hmac-sha256", "secretFile": "keys/hmac"}}}}}""");

        IssuerPolicy policy = IssuerPolicy.load(file);

        assertThat(policy.key("a", "pem")).isPresent();
        assertThat(policy.key("a", "mac")).isPresent();
        assertThat(policy.referencedFiles())
                .containsExactlyInAnyOrder(
                        dir.toAbsolutePath().resolve("keys/pub.pem"),
                        dir.toAbsolutePath().resolve("keys/hmac"));
        assertThatThrownBy(() -> IssuerPolicy.load(dir.resolve("nope.json")))
                .isInstanceOf(IssuerPolicyException.class)
                .hasMessageContaining("cannot read");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                 | {                                                                      | not a JSON object (JSON syntax error at line 1
            array root               | [1]                                                                    | not a JSON object
            unknown top field        | {"defaultIsuer": "deny"}                                               | defaultIsuer: unknown field
            bad default              | {"defaultIssuer": "maybe"}                                             | defaultIssuer: must be "deny" or "allow"
            issuers not object       | {"issuers": []}                                                        | issuers: must be an object
            bad issuer name          | {"issuers": {"bad name": {"commands": []}}}                            | issuers.bad name: issuer names are
            issuer not object        | {"issuers": {"a": 1}}                                                  | issuers.a: must be an object
            commands missing         | {"issuers": {"a": {}}}                                                 | issuers.a.commands: is required
            commands not array       | {"issuers": {"a": {"commands": "*"}}}                                  | issuers.a.commands: must be an array of strings
            command not string       | {"issuers": {"a": {"commands": [1]}}}                                  | issuers.a.commands[0]: must be a non-empty string
            unknown command          | {"issuers": {"a": {"commands": ["RoleAssign", "SessionRevok"]}}}       | issuers.a.commands[1]: unknown command type SessionRevok
            not a command record     | {"issuers": {"a": {"commands": ["CommandMeta"]}}}                      | issuers.a.commands[0]: unknown command type CommandMeta
            unknown issuer field     | {"issuers": {"a": {"commands": [], "command": []}}}                    | issuers.a.command: unknown field
            roles not object         | {"issuers": {"a": {"commands": [], "roles": []}}}                      | issuers.a.roles: must be an object
            unknown roles field      | {"issuers": {"a": {"commands": [], "roles": {"add": []}}}}             | issuers.a.roles.add: unknown field
            role not string          | {"issuers": {"a": {"commands": [], "roles": {"revoke": [""]}}}}        | issuers.a.roles.revoke[0]: must be a non-empty string
            requireSignature string  | {"issuers": {"a": {"commands": [], "requireSignature": "yes"}}}        | issuers.a.requireSignature: must be true or false
            require without keys     | {"issuers": {"a": {"commands": [], "requireSignature": true}}}         | issuers.a.requireSignature: is true but issuer a has no keys
            keys not object          | {"issuers": {"a": {"commands": [], "keys": []}}}                       | issuers.a.keys: must be an object
            key not object           | {"issuers": {"a": {"commands": [], "keys": {"k": "x"}}}}               | issuers.a.keys.k: must be an object
            bad key id               | {"issuers": {"a": {"commands": [], "keys": {"k 1": {}}}}}              | issuers.a.keys.k 1: key ids are
            alg missing              | {"issuers": {"a": {"commands": [], "keys": {"k": {}}}}}                | issuers.a.keys.k.alg: is required
            alg unknown              | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "rsa"}}}}}    | issuers.a.keys.k.alg: must be "ed25519" or "hmac-sha256"
            inline secret            | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "hmac-sha256", "secret": "hunter2hunter2"}}}}} | issuers.a.keys.k.secret: inline HMAC secrets are not allowed
            inline secret b64        | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "hmac-sha256", "secretBase64": "aHVudGVy"}}}}} | issuers.a.keys.k.secretBase64: inline HMAC secrets are not allowed
            hmac without file        | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "hmac-sha256"}}}}} | issuers.a.keys.k.secretFile: is required
            hmac with public key     | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "hmac-sha256", "publicKey": "x"}}}}} | issuers.a.keys.k: an hmac-sha256 key takes secretFile
            hmac file missing        | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "hmac-sha256", "secretFile": "/nonexistent/s"}}}}} | issuers.a.keys.k.secretFile: cannot read HMAC secret file /nonexistent/s
            ed25519 without key      | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "ed25519"}}}}} | issuers.a.keys.k: an ed25519 key needs exactly one of publicKey or publicKeyFile
            ed25519 bad key          | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "ed25519", "publicKey": "AAAA"}}}}} | issuers.a.keys.k.publicKey: is not a base64 X.509 Ed25519 public key
            ed25519 with secretFile  | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "ed25519", "secretFile": "s"}}}}} | issuers.a.keys.k.secretFile: is for hmac-sha256 keys
            ed25519 key file missing | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "ed25519", "publicKeyFile": "/nonexistent/k.pem"}}}}} | issuers.a.keys.k.publicKeyFile: cannot read /nonexistent/k.pem
            unknown key field        | {"issuers": {"a": {"commands": [], "keys": {"k": {"alg": "ed25519", "publicKey": "x", "note": 1}}}}} | issuers.a.keys.k.note: unknown field
            """)
    void everyValidationErrorNamesItsPath(String name, String json, String expected) {
        assertThatThrownBy(() -> IssuerPolicy.parse(json))
                .isInstanceOf(IssuerPolicyException.class)
                .hasMessageStartingWith(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "hunter2", "aHVudGVy"));
    }

    @Test
    void shortSecretFilesAreRefusedWithoutQuotingThem() throws Exception {
        Path shortSecret = dir.resolve("short");
        Files.writeString(shortSecret, "tiny-secret");
        String json =
                "{\"issuers\": {\"a\": {\"commands\": [], \"keys\": {\"k\": {\"alg\": \"hmac-sha256\", \"secretFile\": \""
                        + shortSecret + "\"}}}}}";

        assertThatThrownBy(() -> IssuerPolicy.parse(json))
                .isInstanceOf(IssuerPolicyException.class)
                .hasMessageStartingWith("issuers.a.keys.k.secretFile: HMAC secret file")
                .hasMessageContaining("fewer than 32 bytes")
                .hasMessageNotContaining("tiny-secret");
    }

    @Test
    void syntaxErrorsDoNotQuoteThePolicyText() {
        assertThatThrownBy(() -> IssuerPolicy.parse(
                        "{\"issuers\": {\"a\": {\"commands\": [], \"keys\": {\"k\": {\"secret\": hunter2}}}}}"))
                .isInstanceOf(IssuerPolicyException.class)
                .hasMessageStartingWith("not a JSON object (JSON syntax error at line 1")
                .hasMessageNotContaining("hunter2");
    }
}
