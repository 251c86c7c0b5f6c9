package dev.logtocp.simulator;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * TOTP secrets and backup codes as Logto makes and checks them: a secret is base32 of 20 random bytes (32
 * characters) and a given one must be 16 to 32 base32 characters; backup codes are ten codes of ten hex digits.
 * Stateless and thread-safe.
 */
final class Mfa {

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final Pattern BASE32_SECRET =
            Pattern.compile("^(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?$");
    private static final Pattern BACKUP_CODE = Pattern.compile("^[\\da-fA-F]{10}$");
    private static final int BACKUP_CODES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Mfa() {}

    static String newTotpSecret() {
        // 20 bytes are 160 bits, exactly 32 base32 characters of 5 bits.
        StringBuilder out = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            out.append(BASE32[RANDOM.nextInt(32)]);
        }
        return out.toString();
    }

    static boolean validTotpSecret(String secret) {
        return secret.length() >= 16
                && secret.length() <= 32
                && BASE32_SECRET.matcher(secret).matches();
    }

    static List<String> newBackupCodes() {
        List<String> codes = new ArrayList<>(BACKUP_CODES);
        for (int i = 0; i < BACKUP_CODES; i++) {
            char[] code = new char[10];
            for (int j = 0; j < code.length; j++) {
                code[j] = HEX[RANDOM.nextInt(HEX.length)];
            }
            codes.add(new String(code));
        }
        return codes;
    }

    static boolean validBackupCodes(List<String> codes) {
        return codes.size() == BACKUP_CODES
                && codes.stream().allMatch(c -> BACKUP_CODE.matcher(c).matches());
    }
}
