package dev.logtocp.processor.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may receive what.
 *
 * @param passwordResetKeysDir {@code PASSWORD_RESET_KEYS_DIR}: directory of {@code <issuer>.pem} RSA public keys;
 *                             PasswordReset commands of issuers without a key are REJECTED (default: none, so every
 *                             PasswordReset is rejected)
 */
public record SecuritySettings(Optional<Path> passwordResetKeysDir) {

    public SecuritySettings {
        passwordResetKeysDir.ifPresent(dir -> {
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("PASSWORD_RESET_KEYS_DIR", "must name an existing directory");
            }
        });
    }
}
