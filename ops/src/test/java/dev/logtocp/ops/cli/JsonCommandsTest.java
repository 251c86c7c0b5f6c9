package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRefKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonCommandsTest {

    @Test
    void friendlyJsonFillsMetaAndLeavesOptionalFieldsNull() {
        Instant before = Instant.now();
        UserCreate c =
                (UserCreate) JsonCommands.parse("UserCreate", "{\"username\":\"alice\",\"name\":\"Alice\"}", "ops-cli");
        assertThat(c.getUsername()).isEqualTo("alice");
        assertThat(c.getName()).isEqualTo("Alice");
        assertThat(c.getPrimaryEmail()).isNull();
        assertThat(c.getMeta().getCommandId()).hasSize(36);
        assertThat(c.getMeta().getIdempotencyKey()).isEqualTo(c.getMeta().getCommandId());
        assertThat(c.getMeta().getIssuer()).isEqualTo("ops-cli");
        assertThat(c.getMeta().getIssuedAt())
                .isBetween(before.minusMillis(1), Instant.now().plusMillis(1));
        assertThat(c.getMeta().getForce()).isFalse();
        assertThat(JsonCommands.deriveKey(c)).isEqualTo("alice");
    }

    @Test
    void givenMetaFieldsAreKeptAndTimestampsAcceptIsoAndEpochMillis() {
        String json = """
                {"meta": {"commandId": "c-1", "idempotencyKey": "k-1", "issuer": "crm",
                          "issuedAt": "2025-01-31T12:00:00Z", "deadline": 1738332000000},
                 "user": {"kind": "USERNAME", "value": "bob"},
                 "sessionId": "s-9", "revokeGrantsTarget": "first_party"}""";
        SessionRevoke c = (SessionRevoke) JsonCommands.parse("SessionRevoke", json, "ops-cli");
        assertThat(c.getMeta().getCommandId()).isEqualTo("c-1");
        assertThat(c.getMeta().getIssuer()).isEqualTo("crm");
        assertThat(c.getMeta().getIssuedAt()).isEqualTo(Instant.parse("2025-01-31T12:00:00Z"));
        assertThat(c.getMeta().getDeadline()).isEqualTo(Instant.ofEpochMilli(1738332000000L));
        assertThat(c.getUser().getKind()).isEqualTo(UserRefKind.USERNAME);
        assertThat(c.getRevokeGrantsTarget()).isEqualTo(RevokeGrantsTarget.FIRST_PARTY);
        assertThat(JsonCommands.deriveKey(c)).isEqualTo("bob");
    }

    @Test
    void avroJsonUnionWrappersAreAcceptedToo() {
        UserCreate c = (UserCreate) JsonCommands.parse(
                "UserCreate", "{\"username\": {\"string\": \"carol\"}, \"primaryEmail\": null}", "x");
        assertThat(c.getUsername()).isEqualTo("carol");
        RoleAssign r = (RoleAssign) JsonCommands.parse(
                "RoleAssign", "{\"user\": {\"kind\": \"ID\", \"value\": \"u1\"}, \"roleIds\": [\"r1\", \"r2\"]}", "x");
        assertThat(r.getRoleIds()).containsExactly("r1", "r2");
    }

    @Test
    void mistakesNameTheField() {
        assertThatThrownBy(() -> JsonCommands.parse("UserCreate", "{\"usrname\": \"a\"}", "x"))
                .hasMessageStartingWith("usrname: unknown field");
        assertThatThrownBy(
                        () -> JsonCommands.parse("RoleAssign", "{\"user\": {\"kind\": \"ID\", \"value\": \"u\"}}", "x"))
                .hasMessage("roleIds: required");
        assertThatThrownBy(() -> JsonCommands.parse(
                        "RoleAssign", "{\"user\": {\"kind\": \"NAME\", \"value\": \"u\"}, \"roleIds\": []}", "x"))
                .hasMessageStartingWith("user.kind: 'NAME' is not one of");
        assertThatThrownBy(() -> JsonCommands.parse("UserCreate", "{\"meta\": {\"issuedAt\": \"yesterday\"}}", "x"))
                .hasMessageStartingWith("meta.issuedAt:");
        assertThatThrownBy(() -> JsonCommands.parse("UserCreate", "{not json", "x"))
                .hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> JsonCommands.parse("UserRef", "{}", "x")).hasMessage("unknown command type 'UserRef'");
        assertThatThrownBy(() -> JsonCommands.parse("Nope", "{}", "x"))
                .hasMessageStartingWith("unknown command type 'Nope'");
    }
}
