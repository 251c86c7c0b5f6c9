package dev.logtocp.ops.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ops dlq redrive}: sends dead letters back to their source topic and partition with their original
 * key and headers plus {@code dlq.redriven-from}. Each dead letter goes back at most once: the record and a
 * marker on the ledger topic are written in one transaction, and dead letters with a marker are skipped.
 * The transactional id is fixed per dead-letter topic, so a second redrive running at the same time fences
 * the first instead of both writing.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true,
        description = {"Send dead letters back to their source topic, each at most once.",
                "Examples: ops dlq redrive 0:12 0:13 | ops dlq redrive --error-class MALFORMED_AVRO",
                "          ops dlq redrive 0:12 --type UserCreate --value-file fixed.json  (repair a poison record)"})
final class DlqRedriveCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Mixin
    DlqOptions dlq;

    @Parameters(paramLabel = "PARTITION:OFFSET", arity = "0..*", description = "Dead letters to redrive, e.g. 0:12.")
    List<String> positions = new ArrayList<>();

    @Option(names = "--all", description = "Every dead letter not redriven yet.")
    boolean all;

    @Option(names = "--error-class", paramLabel = "CLASS", description = "Every dead letter with this dlq.error.class not redriven yet.")
    String errorClass;

    @Option(names = "--value-file", paramLabel = "FILE",
            description = "Replace the value of the (single) dead letter with this JSON command, encoded like 'ops send'.")
    Path valueFile;

    @Option(names = "--type", paramLabel = "TYPE", description = "Command type of --value-file, e.g. UserCreate.")
    String type;

    @Option(names = "--issuer", defaultValue = "ops-cli", paramLabel = "NAME",
            description = "meta.issuer when --value-file has none. Default: ${DEFAULT-VALUE}")
    String issuer;

    @Override
    int run() throws Exception {
        int selectors = (positions.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (errorClass != null ? 1 : 0);
        if (selectors != 1) {
            throw usage("choose dead letters with PARTITION:OFFSET..., --all or --error-class (exactly one of them)");
        }
        if (valueFile != null && (positions.size() != 1)) {
            throw usage("--value-file replaces the value of one dead letter: give exactly one PARTITION:OFFSET");
        }
        if (valueFile != null && type == null) {
            throw usage("--value-file needs --type, e.g. --type UserCreate");
        }
        List<long[]> wanted = new ArrayList<>();
        for (String p : positions) {
            long[] pos = DlqOptions.position(p);
            if (pos == null) {
                throw usage("expected PARTITION:OFFSET, e.g. 0:12, got '" + p + "'");
            }
            wanted.add(pos);
        }
        List<DeadLetter> letters = DlqOptions.readAll(kafka, topics.deadLetters);
        List<DeadLetter> chosen = new ArrayList<>();
        for (long[] pos : wanted) {
            chosen.add(letters.stream().filter(l -> l.partition() == pos[0] && l.offset() == pos[1]).findFirst()
                    .orElseThrow(() -> new OpsException("no dead letter at " + pos[0] + ":" + pos[1] + " in " + topics.deadLetters)));
        }
        if (all || errorClass != null) {
            letters.stream().filter(l -> all || errorClass.equals(l.errorClass())).forEach(chosen::add);
        }

        RedriveLedger ledger = new RedriveLedger(kafka, dlq.redrivenTopic(topics.deadLetters));
        int sent = 0;
        int skipped = 0;
        try (Admin admin = kafka.admin()) {
            Set<String> done = ledger.redriven(admin);
            List<DeadLetter> todo = new ArrayList<>();
            for (DeadLetter d : chosen) {
                if (done.contains(d.id())) {
                    out().println("skipped   " + d.position() + "  already redriven (" + ledger.topic() + ")");
                    skipped++;
                } else if (d.sourceTopic() == null) {
                    out().println("skipped   " + d.position() + "  no dlq.source.topic header");
                    skipped++;
                } else {
                    todo.add(d);
                }
            }
            if (!todo.isEmpty()) {
                ledger.ensureTopic(admin, topics.deadLetters);
                sent = send(todo, ledger);
            }
        }
        out().println("redriven " + sent + ", skipped " + skipped);
        return 0;
    }

    private int send(List<DeadLetter> todo, RedriveLedger ledger) throws Exception {
        byte[] replacement = null;
        if (valueFile != null) {
            String json = Files.readString(valueFile, StandardCharsets.UTF_8);
            SpecificRecord command = JsonCommands.parse(type, json, issuer);
            replacement = SendCommand.encode(kafka, todo.get(0).sourceTopic(), command);
        }
        Map<String, Object> props = kafka.client();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ops-cli-redrive-" + topics.deadLetters);
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
             StringSerializer keys = new StringSerializer()) {
            producer.initTransactions();
            for (DeadLetter d : todo) {
                byte[] value = replacement != null ? replacement : d.value();
                producer.beginTransaction();
                try {
                    // Back to the partition it came from: keeps the key's order even if the producer partitioned differently.
                    RecordMetadata m = producer.send(new ProducerRecord<>(d.sourceTopic(), d.sourcePartition(), d.key(), value,
                            d.redriveHeaders())).get();
                    String to = m.topic() + "-" + m.partition() + "@" + m.offset();
                    producer.send(new ProducerRecord<>(ledger.topic(), keys.serialize(ledger.topic(), d.id()),
                            RedriveLedger.markerValue(to, replacement != null))).get();
                    producer.commitTransaction();
                    out().println("redriven  " + d.position() + "  -> " + to + (replacement != null ? "  (value replaced)" : ""));
                    sent++;
                } catch (Exception e) {
                    producer.abortTransaction();
                    throw e;
                }
            }
        }
        return sent;
    }
}
