package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poison records through the real processor, then list / show / redrive with the CLI. */
class DlqIT {
    private static OpsStack stack;

    @BeforeAll
    static void start() {
        stack = new OpsStack(1).withProcessor();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static void sendPoison(String key, String value) {
        try (var producer = new KafkaProducer<>(
                stack.kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                    stack.topics.commands(),
                    key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8));
            r.headers().add(new RecordHeader("x-origin", "dlq-it".getBytes(StandardCharsets.UTF_8)));
            producer.send(r);
        }
    }

    /** Runs {@code command} until its output satisfies {@code done}, up to 60 s. */
    private static CliRun await(List<String> command, Predicate<CliRun> done, String... more) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        CliRun run = stack.run(command, more);
        while (!done.test(run) && Instant.now().isBefore(deadline)) {
            run = stack.run(command, more);
        }
        assertThat(done.test(run)).as(run.toString()).isTrue();
        return run;
    }

    @Test
    void aPoisonRecordRepairedWithValueFileSucceedsOnceAndIsNeverRedrivenTwice(@TempDir Path dir) throws Exception {
        sendPoison("dlq_fixed", "this is not avro");
        CliRun list = await(List.of("dlq", "list"), r -> r.out().contains("key=dlq_fixed"));
        String line = list.out()
                .lines()
                .filter(l -> l.contains("key=dlq_fixed"))
                .findFirst()
                .orElseThrow();
        assertThat(line)
                .matches("\\d+:\\d+  src=" + stack.topics.commands()
                        + "-0@\\d+  NOT_WIRE_FORMAT  .*magic byte is not 0  key=dlq_fixed");
        String position = line.split(" ")[0];

        CliRun show = stack.run(List.of("dlq", "show", position));
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out())
                .contains(
                        "x-origin = dlq-it",
                        "dlq.error.class = NOT_WIRE_FORMAT",
                        "key: dlq_fixed",
                        "value: 16 bytes",
                        "74 68 69 73 20 69 73 20",
                        "this is not avro",
                        "decoded: (does not decode:");

        Path fixed = dir.resolve("fixed.json");
        Files.writeString(
                fixed,
                "{\"username\": \"dlq_fixed\", \"meta\": {\"issuer\": \"dlq-it\", \"idempotencyKey\": \"fix-1\"}}");
        CliRun redrive = stack.run(
                List.of("dlq", "redrive", position, "--type", "UserCreate", "--value-file", fixed.toString()));
        assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
        assertThat(redrive.out())
                .containsPattern(
                        "redriven  " + position + "  -> " + stack.topics.commands() + "-0@\\d+  \\(value replaced\\)")
                .contains("redriven 1, skipped 0");

        CliRun status = await(List.of("status", "dlq-it", "fix-1"), r -> r.exitCode() == 0);
        assertThat(status.out()).contains("SUCCEEDED  UserCreate");

        CliRun again = stack.run(List.of("dlq", "redrive", position));
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("skipped   " + position + "  already redriven", "redriven 0, skipped 1");
        assertThat(stack.run(List.of("dlq", "list")).out()).contains("key=dlq_fixed  [redriven]");

        // Give a wrongly repeated redrive time to show up, then count: exactly one outcome, SUCCEEDED.
        Thread.sleep(2000);
        CliRun outcomes =
                stack.run(List.of("tail", "outcomes", "--from-beginning", "--issuer", "dlq-it", "--timeout", "3"));
        assertThat(outcomes.out().lines()).singleElement().asString().contains("SUCCEEDED", "idempotencyKey=fix-1");
    }

    @Test
    void aRedrivenRecordKeepsItsOriginalHeadersAndGainsProvenance() {
        sendPoison("dlq_again", "still not avro");
        CliRun list = await(List.of("dlq", "list"), r -> r.out().contains("key=dlq_again"));
        String position = list.out()
                .lines()
                .filter(l -> l.contains("key=dlq_again"))
                .findFirst()
                .orElseThrow()
                .split(" ")[0];

        CliRun redrive = stack.run(List.of("dlq", "redrive", position));
        assertThat(redrive.out()).contains("redriven  " + position);
        // The unchanged poison is dead-lettered again, now carrying the provenance of the redrive.
        CliRun again = await(
                List.of("dlq", "list"),
                r -> r.out().lines().filter(l -> l.contains("key=dlq_again")).count() == 2);
        String second = again.out()
                .lines()
                .filter(l -> l.contains("key=dlq_again") && !l.contains("[redriven]"))
                .findFirst()
                .orElseThrow()
                .split(" ")[0];
        CliRun show = stack.run(List.of("dlq", "show", second));
        assertThat(show.out())
                .contains(
                        "x-origin = dlq-it",
                        "dlq.redriven-from = " + stack.topics.deadLetters() + "-" + position.replace(':', '@'));
    }

    @Test
    void usageMistakesAreReported() {
        assertThat(stack.run(List.of("dlq", "redrive")).exitCode()).isEqualTo(2);
        assertThat(stack.run(List.of("dlq", "redrive", "0:0", "--all")).exitCode())
                .isEqualTo(2);
        assertThat(stack.run(List.of("dlq", "redrive", "zero")).exitCode()).isEqualTo(2);
        assertThat(stack.run(List.of("dlq", "redrive", "--all", "--value-file", "x.json", "--type", "UserCreate"))
                        .exitCode())
                .isEqualTo(2);
        CliRun missing = stack.run(List.of("dlq", "show", "0:999"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("error: no dead letter at 0:999");
    }
}
