package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.RoleRevoke;
import dev.logtocp.commands.RolesReplace;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.processor.security.RoleEffects;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The role commands declare what they do to a user's roles; the issuer policy judges those effects, not names. */
class RoleEffectsDeclaredTest {
    private static final CommandMeta META = CommandMeta.newBuilder()
            .setCommandId("c")
            .setIdempotencyKey("k")
            .setIssuer("i")
            .setIssuedAt(Instant.EPOCH)
            .build();
    private static final UserRef USER = new UserRef(UserRefKind.ID, "u1");

    @Test
    void roleCommandsDeclareTheirEffects() {
        assertThat(new RoleAssignHandler()
                        .roleEffects(RoleAssign.newBuilder()
                                .setMeta(META)
                                .setUser(USER)
                                .setRoleIds(List.of("a", "b"))
                                .build()))
                .isEqualTo(RoleEffects.granting(List.of("a", "b")));
        assertThat(new RoleRevokeHandler()
                        .roleEffects(RoleRevoke.newBuilder()
                                .setMeta(META)
                                .setUser(USER)
                                .setRoleId("a")
                                .build()))
                .isEqualTo(RoleEffects.removing(List.of("a")));
        RoleEffects replace = new RolesReplaceHandler()
                .roleEffects(RolesReplace.newBuilder()
                        .setMeta(META)
                        .setUser(USER)
                        .setRoleIds(List.of("a"))
                        .build());
        assertThat(replace.granted()).containsExactly("a");
        assertThat(replace.removesAny())
                .as("a replace can take away any role it does not name")
                .isTrue();
    }
}
