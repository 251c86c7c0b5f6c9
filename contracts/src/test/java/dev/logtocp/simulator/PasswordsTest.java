package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void storedMarkerMatchesOnlyTheOriginalPasswordAndDoesNotContainIt() {
        String marker = Passwords.hash("correct horse");
        assertThat(marker).doesNotContain("correct horse");
        assertThat(Passwords.matches(marker, "correct horse")).isTrue();
        assertThat(Passwords.matches(marker, "wrong")).isFalse();
    }

    @Test
    void importedSha256DigestVerifiesButArgonDoesNot() {
        String sha = Passwords.imported("SHA256", "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8");
        assertThat(Passwords.matches(sha, "password")).isTrue();
        assertThat(Passwords.matches(Passwords.imported("Argon2i", "$argon2i$v=19$..."), "password"))
                .isFalse();
    }
}
