package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SendIT {
    private static OpsStack stack;

    @BeforeAll
    static void start() {
        stack = new OpsStack(3);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void sendWritesTheWireFormatAndTheRecordDecodesToTheGeneratedClass() {
        CliRun first = stack.run(
                List.of("send", "--type", "UserCreate", "--issuer", "crm"),
                "{\"username\": \"dora\", \"primaryEmail\": \"dora@example.com\", \"meta\": {\"idempotencyKey\": \"create-dora\"}}");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out())
                .matches("(?s)" + stack.topics.commands() + "-\\d@0 commandId=[0-9a-f-]{36} key=dora\\s*");
        CliRun second = stack.run(
                List.of("send", "--type", "RoleAssign", "--key", "k-1"),
                "{\"user\": {\"kind\": \"USERNAME\", \"value\": \"dora\"}, \"roleIds\": [\"r1\"]}");
        assertThat(second.exitCode()).as(second.toString()).isZero();

        WireFormatDeserializer values = new WireFormatDeserializer();
        values.configure(Map.of("schema.registry.url", stack.registry.url()), false);
        List<ConsumerRecord<String, Object>> records = stack.kafka.consumeAll(
                stack.topics.commands(), new StringDeserializer(), values, 2, Duration.ofSeconds(30));
        assertThat(records).hasSize(2);
        ConsumerRecord<String, Object> create =
                records.stream().filter(r -> r.key().equals("dora")).findFirst().orElseThrow();
        assertThat(create.value()).isInstanceOf(UserCreate.class);
        UserCreate c = (UserCreate) create.value();
        assertThat(c.getPrimaryEmail()).isEqualTo("dora@example.com");
        assertThat(c.getMeta().getIssuer()).isEqualTo("crm");
        assertThat(c.getMeta().getIdempotencyKey()).isEqualTo("create-dora");
        assertThat(first.out()).contains("commandId=" + c.getMeta().getCommandId());
        ConsumerRecord<String, Object> role =
                records.stream().filter(r -> r.key().equals("k-1")).findFirst().orElseThrow();
        assertThat(((RoleAssign) role.value()).getRoleIds()).containsExactly("r1");
    }

    @Test
    void anUnknownTypeFailsWithOneLine() {
        CliRun run = stack.run(List.of("send", "--type", "UserTeleport"), "{}");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: unknown command type 'UserTeleport'");
    }
}
