package dev.logtocp.processor.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may send what, and who may receive generated secrets.
 *
 * @param passwordResetKeysDir {@code PASSWORD_RESET_KEYS_DIR}: directory of {@code <issuer>.pem} RSA public keys;
 *                             PasswordReset commands of issuers without a key are REJECTED (default: none, so every
 *                             PasswordReset is rejected)
 * @param issuerPolicyFile     {@code ISSUER_POLICY_FILE}: JSON issuer policy (which commands and roles each issuer
 *                             may send, whose commands must be signed, with which keys), re-read when it changes.
 *                             Without it every issuer may send everything, unsigned: development only
 * @param policyCheckInterval  {@code ISSUER_POLICY_CHECK_MS}: how often the policy file is checked for changes
 *                             (default 5000)
 */
public record SecuritySettings(
        Optional<Path> passwordResetKeysDir, Optional<Path> issuerPolicyFile, Duration policyCheckInterval) {

    public SecuritySettings {
        passwordResetKeysDir.ifPresent(dir -> {
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("PASSWORD_RESET_KEYS_DIR", "must name an existing directory");
            }
        });
        issuerPolicyFile.ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("ISSUER_POLICY_FILE", "must name an existing file");
            }
        });
    }
}
