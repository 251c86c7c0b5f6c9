package dev.logtocp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.GrantRevoke;
import dev.logtocp.commands.IdentityLink;
import dev.logtocp.commands.IdentityReplace;
import dev.logtocp.commands.IdentityUnlink;
import dev.logtocp.commands.LogtoConfigUpdate;
import dev.logtocp.commands.MfaVerificationCreate;
import dev.logtocp.commands.MfaVerificationDelete;
import dev.logtocp.commands.PasswordSet;
import dev.logtocp.commands.PersonalAccessTokenCreate;
import dev.logtocp.commands.PersonalAccessTokenDelete;
import dev.logtocp.commands.PersonalAccessTokenUpdate;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.RoleRevoke;
import dev.logtocp.commands.RolesReplace;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserCustomDataMerge;
import dev.logtocp.commands.UserDelete;
import dev.logtocp.commands.UserProfileUpdate;
import dev.logtocp.commands.UserSuspend;
import dev.logtocp.commands.UserUpdate;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The schemas are the producers' documentation: every record and field must say what it is. */
class SchemaDocumentationTest {
    private static final List<Schema> COMMANDS = List.of(UserCreate.getClassSchema(),
            RoleAssign.getClassSchema(),
            SessionRevoke.getClassSchema(),
            UserUpdate.getClassSchema(),
            UserDelete.getClassSchema(),
            UserCustomDataMerge.getClassSchema(),
            UserProfileUpdate.getClassSchema(),
            PasswordSet.getClassSchema(),
            UserSuspend.getClassSchema(),
            RolesReplace.getClassSchema(),
            RoleRevoke.getClassSchema(),
            IdentityLink.getClassSchema(),
            IdentityReplace.getClassSchema(),
            IdentityUnlink.getClassSchema(),
            MfaVerificationCreate.getClassSchema(),
            MfaVerificationDelete.getClassSchema(),
            PersonalAccessTokenCreate.getClassSchema(),
            PersonalAccessTokenUpdate.getClassSchema(),
            PersonalAccessTokenDelete.getClassSchema(),
            GrantRevoke.getClassSchema(),
            LogtoConfigUpdate.getClassSchema(),
            dev.logtocp.commands.SessionRevokeAll.getClassSchema(),
            dev.logtocp.commands.MfaReset.getClassSchema(),
            dev.logtocp.commands.PasswordChange.getClassSchema(),
            dev.logtocp.commands.PasswordReset.getClassSchema(),
            dev.logtocp.commands.OrganizationMembershipAdd.getClassSchema(),
            dev.logtocp.commands.OrganizationMembershipRemove.getClassSchema(),
            dev.logtocp.commands.OrganizationMembershipsReplace.getClassSchema(),
            dev.logtocp.commands.OrganizationRoleAssign.getClassSchema(),
            dev.logtocp.commands.OrganizationRolesReplace.getClassSchema(),
            dev.logtocp.commands.OrganizationRoleRevoke.getClassSchema(),
            dev.logtocp.commands.PasswordExpirationSet.getClassSchema());
    private static final List<Schema> PUBLISHED = java.util.stream.Stream.concat(COMMANDS.stream(),
            java.util.stream.Stream.of(CommandOutcome.getClassSchema(), AuditEvent.getClassSchema(),
                    dev.logtocp.internal.LedgerEntry.getClassSchema(), dev.logtocp.internal.UserReference.getClassSchema())).toList();

    @Test
    void everyRecordAndFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        PUBLISHED.forEach(s -> collect(s, undocumented, seen));
        assertThat(undocumented).isEmpty();
        assertThat(seen).contains("dev.logtocp.commands.CommandMeta", "dev.logtocp.outcomes.SourcePosition");
    }

    @Test
    void everyCommandStartsWithItsMeta() {
        for (Schema s : COMMANDS) {
            assertThat(s.getFields().get(0).name()).isEqualTo("meta");
            assertThat(s.getFields().get(0).schema().getFullName()).isEqualTo("dev.logtocp.commands.CommandMeta");
        }
    }

    private static void collect(Schema schema, List<String> undocumented, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (blank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field f : schema.getFields()) {
                    if (blank(f.doc())) {
                        undocumented.add(schema.getFullName() + "." + f.name());
                    }
                    collect(f.schema(), undocumented, seen);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collect(t, undocumented, seen));
            case ARRAY -> collect(schema.getElementType(), undocumented, seen);
            case MAP -> collect(schema.getValueType(), undocumented, seen);
            case ENUM -> {
                if (seen.add(schema.getFullName()) && blank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
            }
            default -> {
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
