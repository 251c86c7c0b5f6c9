package dev.logtocp.processor.security;

import dev.logtocp.schema.signing.SignatureHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may send which commands, which roles they may hand out or take away, and which keys sign their commands.
 * Parsed from a JSON document:
 *
 * <pre>{@code
 * {
 *   "defaultIssuer": "deny",                       // or "allow"; optional, default "deny"
 *   "issuers": {
 *     "support-tool": {
 *       "commands": ["SessionRevoke", "MfaReset"],   // simple Avro record names, or "*"
 *       "roles": { "assign": [], "revoke": ["*"] },  // role ids or "*"; optional, default none
 *       "requireSignature": true,                    // optional, default false
 *       "keys": {                                    // optional; several may be active at once (rotation)
 *         "support-2026-01": { "alg": "ed25519", "publicKey": "MCowBQYDK2VwAyEA..." },
 *         "support-2025-12": { "alg": "ed25519", "publicKeyFile": "keys/support-2025-12.pem" },
 *         "support-hmac":    { "alg": "hmac-sha256", "secretFile": "/run/secrets/support-hmac" }
 *       }
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>An issuer not listed is refused under {@code "deny"}; under {@code "allow"} it may send anything, with no
 *       role limits and no signature requirement.</li>
 *   <li>{@code commands} names the command types the issuer may send; {@code "*"} means all. Unknown names are an
 *       error, so a typo cannot silently lock an issuer out.</li>
 *   <li>{@code roles.assign} limits RoleAssign: every role id in the command must be listed (or {@code "*"}).
 *       {@code roles.revoke} limits RoleRevoke the same way.</li>
 *   <li>RolesReplace sets the user's whole role set, so it may remove roles the command does not name and the
 *       processor cannot know which without asking Logto. It is therefore allowed only when {@code roles.revoke}
 *       is {@code ["*"]} (the issuer may remove any role) and every role id in the command is allowed by
 *       {@code roles.assign}.</li>
 *   <li>{@code organizations} limits the organization commands: which organizations ({@code ids}) and which
 *       organization roles ({@code roles.assign}, {@code roles.revoke}); see {@link OrganizationRule}. Without it
 *       an issuer may send no organization command.</li>
 *   <li>Public keys are Ed25519, X.509 SubjectPublicKeyInfo: base64 inline ({@code publicKey}) or PEM in a file
 *       ({@code publicKeyFile}). HMAC-SHA256 secrets come only from files ({@code secretFile}, at least 32 bytes,
 *       trailing CR/LF ignored); a secret inline in the policy is an error.</li>
 *   <li>Relative file names are resolved against the policy file's directory ({@link #load}) or the working
 *       directory ({@link #parse}).</li>
 *   <li>{@code requireSignature: true} needs at least one key. With keys but {@code requireSignature: false},
 *       signed commands are still verified (a bad signature is refused) and unsigned ones accepted: the mode for
 *       moving an issuer to signing.</li>
 *   <li>Unknown fields anywhere are errors, so a misspelt rule is not ignored.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; key files are read once, when the policy is parsed.
 */
public final class IssuerPolicy {

    /** What happens to issuers the policy does not list. */
    public enum DefaultIssuer {
        DENY,
        ALLOW
    }

    /** The answer of {@link #authorize}. */
    public sealed interface Decision permits Allowed, Denied {
        /** The one allowed decision. */
        Decision ALLOWED = new Allowed();

        default boolean allowed() {
            return this instanceof Allowed;
        }
    }

    /** The command may run. */
    public record Allowed() implements Decision {}

    /** The command may not run; the reason names issuer, command type or role id, never secrets. */
    public record Denied(String reason) implements Decision {}

    /** Matches {@code Validation.ISSUER}, minus the empty name: only such issuers can reach the policy check. */
    private static final Pattern ISSUER_NAME = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");

    private static final String ANY = "*";
    private static final int MAX_IN_REASON = 64;

    private final DefaultIssuer defaultIssuer;
    private final Map<String, IssuerRule> issuers;
    private final Set<Path> referencedFiles;
    /** Per listed issuer, its organization limits ({@link OrganizationRule#NONE} without an organizations entry). */
    private final Map<String, OrganizationRule> organizationRules;

    private IssuerPolicy(
            DefaultIssuer defaultIssuer,
            Map<String, IssuerRule> issuers,
            Set<Path> referencedFiles,
            Map<String, OrganizationRule> organizationRules) {
        this.defaultIssuer = defaultIssuer;
        this.issuers = Map.copyOf(issuers);
        this.referencedFiles = Set.copyOf(referencedFiles);
        this.organizationRules = Map.copyOf(organizationRules);
    }

    /** A policy letting every issuer send every command unsigned: the behaviour without a policy file. */
    public static IssuerPolicy allowAll() {
        return new IssuerPolicy(DefaultIssuer.ALLOW, Map.of(), Set.of(), Map.of());
    }

    /**
     * Parses a policy document; relative key file names are resolved against the working directory.
     *
     * @throws IssuerPolicyException naming the JSON path of the first problem
     */
    public static IssuerPolicy parse(String json) {
        return parse(json, Path.of(""));
    }

    /**
     * Reads and parses a policy file; relative key file names are resolved against its directory.
     *
     * @throws IssuerPolicyException when the file cannot be read or is not a valid policy
     */
    public static IssuerPolicy load(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IssuerPolicyException(
                    "", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(json, parent == null ? Path.of("") : parent);
    }

    static IssuerPolicy parse(String json, Path baseDir) {
        JsonObject root;
        try {
            root = new JsonObject(json);
        } catch (DecodeException e) {
            // Jackson's own message may quote the text around the error; only the location is repeated.
            throw new IssuerPolicyException("", "not a JSON object" + PolicyJson.location(e));
        } catch (ClassCastException | NullPointerException e) {
            throw new IssuerPolicyException("", "not a JSON object");
        }
        PolicyJson.onlyKnownFields(root, "", Set.of("defaultIssuer", "issuers"));
        DefaultIssuer defaultIssuer = switch (PolicyJson.optionalString(root, "defaultIssuer", "", "deny")) {
            case "deny" -> DefaultIssuer.DENY;
            case "allow" -> DefaultIssuer.ALLOW;
            default -> throw new IssuerPolicyException("defaultIssuer", "must be \"deny\" or \"allow\"");
        };
        JsonObject issuersJson = PolicyJson.optionalObject(root, "issuers", "");
        Map<String, IssuerRule> issuers = new LinkedHashMap<>();
        Map<String, OrganizationRule> organizationRules = new LinkedHashMap<>();
        Set<Path> files = new LinkedHashSet<>();
        if (issuersJson != null) {
            for (String name : issuersJson.fieldNames()) {
                String path = "issuers." + name;
                if (!ISSUER_NAME.matcher(name).matches()) {
                    throw new IssuerPolicyException(path, "issuer names are 1 to 128 letters, digits, '.', '_' or '-'");
                }
                JsonObject issuerJson = PolicyJson.object(issuersJson.getValue(name), path);
                issuers.put(name, IssuerRule.parse(name, issuerJson, path, baseDir, files));
                organizationRules.put(
                        name, OrganizationRule.parse(issuerJson.getValue("organizations"), path + ".organizations"));
            }
        }
        return new IssuerPolicy(defaultIssuer, issuers, files, organizationRules);
    }

    /**
     * May {@code issuer} send a command of {@code commandType} (the simple Avro record name) with these effects on the
     * user's roles (declared by the command's handler)?
     */
    public Decision authorize(String issuer, String commandType, RoleEffects roles) {
        IssuerRule rule = issuer == null ? null : issuers.get(issuer);
        if (rule == null) {
            return defaultIssuer == DefaultIssuer.ALLOW
                    ? Decision.ALLOWED
                    : new Denied("issuer " + clip(issuer) + " is not in the issuer policy");
        }
        if (commandType == null || !(rule.anyCommand() || rule.commands().contains(commandType))) {
            return new Denied("issuer " + issuer + " may not send " + clip(commandType));
        }
        if (roles.removesAny() && !rule.revoke().any()) {
            return new Denied("issuer " + issuer + " may not send " + clip(commandType) + ": it can remove any role,"
                    + " which needs roles.revoke [\"*\"]");
        }
        Decision assign = roles(issuer, "assign", rule.assign(), roles.granted());
        return assign.allowed() ? roles(issuer, "revoke", rule.revoke(), roles.removed()) : assign;
    }

    /**
     * May {@code issuer} make the organization changes {@code access} describes? Called after {@link #authorize}
     * allowed the command type; unlisted issuers under {@code "allow"} may make any change.
     */
    public Decision authorizeOrganizations(String issuer, String commandType, OrganizationAccess access) {
        OrganizationRule rule = issuer == null ? null : organizationRules.get(issuer);
        if (rule == null) {
            return defaultIssuer == DefaultIssuer.ALLOW
                    ? Decision.ALLOWED
                    : new Denied("issuer " + clip(issuer) + " is not in the issuer policy");
        }
        return rule.authorize(issuer, clip(commandType), access);
    }

    private static Decision roles(String issuer, String verb, RoleRule rule, List<String> roleIds) {
        for (String roleId : roleIds) {
            if (!rule.allows(roleId)) {
                return new Denied("issuer " + issuer + " may not " + verb + " role " + clip(roleId));
            }
        }
        return Decision.ALLOWED;
    }

    /** True when the policy lists {@code issuer} with {@code requireSignature: true}. */
    public boolean signatureRequired(String issuer) {
        IssuerRule rule = issuer == null ? null : issuers.get(issuer);
        return rule != null && rule.requireSignature();
    }

    public DefaultIssuer defaultIssuer() {
        return defaultIssuer;
    }

    /** The issuers the policy lists. */
    public Set<String> issuers() {
        return issuers.keySet();
    }

    /** The verification key {@code keyId} of {@code issuer}, if the policy gives the issuer that key. */
    Optional<VerificationKey> key(String issuer, String keyId) {
        IssuerRule rule = issuer == null ? null : issuers.get(issuer);
        return rule == null ? Optional.empty() : Optional.ofNullable(rule.keys().get(keyId));
    }

    /** Key and secret files the policy was built from; a change to any of them calls for a reload. */
    Set<Path> referencedFiles() {
        return referencedFiles;
    }

    @Override
    public String toString() {
        return "IssuerPolicy[default=" + defaultIssuer + ", issuers=" + issuers.keySet() + "]";
    }

    /** Attacker-chosen strings in reasons are cut short: reasons end up in outcomes and logs. */
    static String clip(String value) {
        if (value == null) {
            return "(none)";
        }
        return value.length() <= MAX_IN_REASON ? value : value.substring(0, MAX_IN_REASON) + "...";
    }

    // ---- the model ----

    /** A role allow-list: ids, or any. */
    record RoleRule(boolean any, Set<String> ids) {
        boolean allows(String roleId) {
            return any || ids.contains(roleId);
        }
    }

    /** One issuer's rules. */
    record IssuerRule(
            boolean anyCommand,
            Set<String> commands,
            RoleRule assign,
            RoleRule revoke,
            boolean requireSignature,
            Map<String, VerificationKey> keys) {

        static IssuerRule parse(String name, JsonObject json, String path, Path baseDir, Set<Path> files) {
            PolicyJson.onlyKnownFields(
                    json, path, Set.of("commands", "roles", "requireSignature", "keys", "organizations"));
            JsonArray commandsJson = PolicyJson.array(json.getValue("commands"), path + ".commands", true);
            Set<String> commands = new LinkedHashSet<>();
            boolean anyCommand = false;
            for (int i = 0; i < commandsJson.size(); i++) {
                String itemPath = path + ".commands[" + i + "]";
                String command = PolicyJson.string(commandsJson.getValue(i), itemPath);
                if (command.equals(ANY)) {
                    anyCommand = true;
                } else if (!PolicyJson.isCommandType(command)) {
                    throw new IssuerPolicyException(
                            itemPath,
                            "unknown command type " + clip(command)
                                    + " (simple Avro record names such as RoleAssign, or \"*\")");
                } else {
                    commands.add(command);
                }
            }
            RoleRule assign = new RoleRule(false, Set.of());
            RoleRule revoke = new RoleRule(false, Set.of());
            JsonObject roles = PolicyJson.optionalObject(json, "roles", path);
            if (roles != null) {
                PolicyJson.onlyKnownFields(roles, path + ".roles", Set.of("assign", "revoke"));
                assign = roleRule(roles, "assign", path + ".roles");
                revoke = roleRule(roles, "revoke", path + ".roles");
            }
            Object requireJson = json.getValue("requireSignature");
            if (requireJson != null && !(requireJson instanceof Boolean)) {
                throw new IssuerPolicyException(path + ".requireSignature", "must be true or false");
            }
            boolean requireSignature = Boolean.TRUE.equals(requireJson);
            Map<String, VerificationKey> keys = new LinkedHashMap<>();
            JsonObject keysJson = PolicyJson.optionalObject(json, "keys", path);
            if (keysJson != null) {
                for (String keyId : keysJson.fieldNames()) {
                    String keyPath = path + ".keys." + keyId;
                    if (!SignatureHeaders.isValidKeyId(keyId)) {
                        throw new IssuerPolicyException(
                                keyPath,
                                "key ids are 1 to " + SignatureHeaders.MAX_KEY_ID_LENGTH
                                        + " printable ASCII characters without spaces");
                    }
                    keys.put(
                            keyId,
                            VerificationKey.parse(
                                    keyId,
                                    PolicyJson.object(keysJson.getValue(keyId), keyPath),
                                    keyPath,
                                    baseDir,
                                    files));
                }
            }
            if (requireSignature && keys.isEmpty()) {
                throw new IssuerPolicyException(
                        path + ".requireSignature", "is true but issuer " + name + " has no keys");
            }
            return new IssuerRule(anyCommand, Set.copyOf(commands), assign, revoke, requireSignature, Map.copyOf(keys));
        }

        private static RoleRule roleRule(JsonObject roles, String field, String path) {
            Object value = roles.getValue(field);
            if (value == null) {
                return new RoleRule(false, Set.of());
            }
            JsonArray ids = PolicyJson.array(value, path + "." + field, false);
            Set<String> out = new LinkedHashSet<>();
            boolean any = false;
            for (int i = 0; i < ids.size(); i++) {
                String id = PolicyJson.string(ids.getValue(i), path + "." + field + "[" + i + "]");
                if (id.equals(ANY)) {
                    any = true;
                } else {
                    out.add(id);
                }
            }
            return new RoleRule(any, Set.copyOf(out));
        }
    }
}
