package dev.logtocp.processor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /health/ready turns 200 only once the ledger of the assigned partitions is fully restored. */
class ReadinessIT {
    private static final int ENTRIES = 30_000;
    private static ProcessorStack stack;

    @BeforeAll
    static void prepare() {
        stack = ProcessorStack.prepareOnSimulator(Map.of());
        Instant now = Instant.now();
        for (int i = 0; i < ENTRIES; i++) {
            LedgerEntry entry = LedgerEntry.newBuilder()
                    .setIssuer("restore-test")
                    .setIdempotencyKey("key-" + i)
                    .setPayloadHash(ByteBuffer.wrap(new byte[32]))
                    .setCommandType("UserCreate")
                    .setCommandId("c-" + i)
                    .setStatus(OutcomeStatus.SUCCEEDED)
                    .setUserId("u" + i)
                    .setDecidedAt(now)
                    .build();
            byte[] key = ("restore-test\u0000key-" + i).getBytes(StandardCharsets.UTF_8);
            stack.sendRawTo(
                    stack.topics.ledger(),
                    i % stack.topics.partitions(),
                    key,
                    stack.serialize(stack.topics.ledger(), entry));
        }
        stack.flushRaw();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void readinessWaitsForTheLedgerRestore() throws Exception {
        stack.startProcessor();
        List<Integer> answers = new ArrayList<>();
        double entriesWhenReady = -1;
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            int status = get("/health/ready").statusCode();
            answers.add(status);
            if (status == 200) {
                entriesWhenReady = metric(ProcessorMetrics.LEDGER_ENTRIES);
                break;
            }
            Thread.sleep(5);
        }

        assertThat(answers).first().isEqualTo(503);
        assertThat(answers).last().isEqualTo(200);
        assertThat(entriesWhenReady)
                .as("every ledger entry restored by the time the instance reports ready")
                .isEqualTo(ENTRIES);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    private static double metric(String name) throws Exception {
        return stack.metric(name);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return stack.httpGet(path);
    }
}
