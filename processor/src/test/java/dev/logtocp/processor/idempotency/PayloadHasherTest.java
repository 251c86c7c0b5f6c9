package dev.logtocp.processor.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCreate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PayloadHasherTest {

    private static UserCreate create(String commandId, Instant issuedAt, String name) {
        return UserCreate.newBuilder()
                .setMeta(CommandMeta.newBuilder()
                        .setCommandId(commandId)
                        .setIdempotencyKey("k")
                        .setIssuer("svc")
                        .setIssuedAt(issuedAt)
                        .setCorrelationId(commandId)
                        .build())
                .setUsername("u")
                .setName(name)
                .build();
    }

    @Test
    void resubmissionsWithNewIdsAndTimestampsHashTheSame() {
        assertThat(PayloadHasher.hash(create("a", Instant.ofEpochMilli(1), "n")))
                .isEqualTo(PayloadHasher.hash(create("b", Instant.ofEpochMilli(2), "n")));
    }

    @Test
    void aDifferentPayloadHashesDifferently() {
        assertThat(PayloadHasher.hash(create("a", Instant.EPOCH, "n")))
                .isNotEqualTo(PayloadHasher.hash(create("a", Instant.EPOCH, "m")));
    }

    @Test
    void hashingDoesNotChangeTheCommand() {
        UserCreate command = create("a", Instant.ofEpochMilli(5), "n");
        PayloadHasher.hash(command);
        assertThat(command.getMeta().getCommandId()).isEqualTo("a");
    }
}
