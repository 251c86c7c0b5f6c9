package dev.logtocp.schema.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    static AuditEvent event(int n) {
        return AuditEvent.newBuilder()
                .setEventId("e-" + n)
                .setOccurredAt(Instant.ofEpochMilli(1_760_000_000_000L + n))
                .setActor("hr-system")
                .setAction("user.create")
                .setCommandType("UserCreate")
                .setTargetRef("USERNAME:u" + n)
                .setChangedFields(List.of("username"))
                .setStatus(OutcomeStatus.SUCCEEDED)
                .setCommandId("c-" + n)
                .setIdempotencyKey("k-" + n)
                .setSource(new SourcePosition("logto.commands", 0, (long) n, Instant.ofEpochMilli(1_760_000_000_000L)))
                .build();
    }

    @Test
    void hashIsSha256OfTheAvroEncodingIncludingPreviousHash() throws Exception {
        AuditEvent linked = AuditChain.link(event(1), AuditChain.GENESIS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<AuditEvent>(AuditEvent.getClassSchema()).write(linked, encoder);
        encoder.flush();
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));

        assertThat(AuditChain.hash(linked)).isEqualTo(expected).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(AuditChain.hash(linked)).isEqualTo(AuditChain.hash(AuditChain.link(event(1), AuditChain.GENESIS)));
        assertThat(AuditChain.hash(linked)).isNotEqualTo(AuditChain.hash(event(1)));
        assertThat(AuditChain.hash(linked)).isNotEqualTo(AuditChain.hash(AuditChain.link(event(1), "f".repeat(64))));
        assertThat(AuditChain.GENESIS).isEqualTo("0".repeat(64));
    }

    @Test
    void linkCopiesAndLeavesTheOriginalAlone() {
        AuditEvent original = event(2);

        AuditEvent linked = AuditChain.link(original, "ab".repeat(32));

        assertThat(linked.getPreviousHash()).isEqualTo("ab".repeat(32));
        assertThat(original.getPreviousHash()).isNull();
        assertThat(AuditChain.link(linked, AuditChain.GENESIS).getEventId()).isEqualTo("e-2");
    }

    @Test
    void anyFieldChangeChangesTheHash() {
        AuditEvent base = AuditChain.link(event(3), AuditChain.GENESIS);
        String hash = AuditChain.hash(base);

        assertThat(AuditChain.hash(
                        AuditEvent.newBuilder(base).setActor("support-tool").build()))
                .isNotEqualTo(hash);
        assertThat(AuditChain.hash(AuditEvent.newBuilder(base)
                        .setStatus(OutcomeStatus.FAILED)
                        .build()))
                .isNotEqualTo(hash);
        assertThat(AuditChain.hash(
                        AuditEvent.newBuilder(base).setChangedFields(List.of()).build()))
                .isNotEqualTo(hash);
        assertThat(AuditChain.hash(
                        AuditEvent.newBuilder(base).setTargetRef(null).build()))
                .isNotEqualTo(hash);
    }

    @Test
    void aChainDetectsARemovedEvent() {
        List<AuditEvent> chain = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 0; i < 5; i++) {
            AuditEvent linked = AuditChain.link(event(i), previous);
            chain.add(linked);
            previous = AuditChain.hash(linked);
        }
        for (int i = 1; i < chain.size(); i++) {
            assertThat(chain.get(i).getPreviousHash()).isEqualTo(AuditChain.hash(chain.get(i - 1)));
        }
        chain.remove(2);
        assertThat(chain.get(2).getPreviousHash()).isNotEqualTo(AuditChain.hash(chain.get(1)));
    }
}
