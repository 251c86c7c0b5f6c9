package dev.logtocp.ops.cli;

import dev.logtocp.processor.deadletter.DeadLetter;
import dev.logtocp.processor.deadletter.DeadLetterRedrive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ops dlq redrive}: sends dead letters back to their source topic and partition with their original
 * key and headers plus {@code dlq.redriven-from}, each at most once. The redrive itself is
 * {@link DeadLetterRedrive}, shared with the processor's operator console (they fence each other).
 */
@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description = {
            "Send dead letters back to their source topic, each at most once.",
            "Examples: ops dlq redrive 0:12 0:13 | ops dlq redrive --error-class MALFORMED_AVRO",
            "          ops dlq redrive 0:12 --type UserCreate --value-file fixed.json  (repair a poison record)"
        })
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

    @Option(
            names = "--error-class",
            paramLabel = "CLASS",
            description = "Every dead letter with this dlq.error.class not redriven yet.")
    String errorClass;

    @Option(
            names = "--value-file",
            paramLabel = "FILE",
            description =
                    "Replace the value of the (single) dead letter with this JSON command, encoded like 'ops send'.")
    Path valueFile;

    @Option(names = "--type", paramLabel = "TYPE", description = "Command type of --value-file, e.g. UserCreate.")
    String type;

    @Option(
            names = "--issuer",
            defaultValue = "ops-cli",
            paramLabel = "NAME",
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
            chosen.add(letters.stream()
                    .filter(l -> l.partition() == pos[0] && l.offset() == pos[1])
                    .findFirst()
                    .orElseThrow(() -> new OpsException(
                            "no dead letter at " + pos[0] + ":" + pos[1] + " in " + topics.deadLetters)));
        }
        if (all || errorClass != null) {
            letters.stream()
                    .filter(l -> all || errorClass.equals(l.errorClass()))
                    .forEach(chosen::add);
        }

        if (chosen.isEmpty()) {
            out().println("redriven 0, skipped 0");
            return 0;
        }
        byte[] replacement = null;
        if (valueFile != null) {
            String json = Files.readString(valueFile, StandardCharsets.UTF_8);
            SpecificRecord command = JsonCommands.parse(type, json, issuer);
            String target = chosen.get(0).sourceTopic();
            replacement = SendCommand.encode(kafka, target == null ? topics.commands : target, command);
        }
        DeadLetterRedrive redrive = new DeadLetterRedrive(
                kafka.client(), topics.deadLetters, dlq.redrivenTopic(topics.deadLetters), "ops-cli");
        int sent = 0;
        int skipped = 0;
        for (DeadLetterRedrive.Result r : redrive.redrive(chosen, replacement)) {
            switch (r.status()) {
                case REDRIVEN -> {
                    out().println("redriven  " + r.letter().position() + "  -> " + r.detail()
                            + (replacement != null ? "  (value replaced)" : ""));
                    sent++;
                }
                case ALREADY_REDRIVEN -> {
                    out().println("skipped   " + r.letter().position() + "  already redriven (" + redrive.markerTopic()
                            + ")");
                    skipped++;
                }
                case NO_SOURCE -> {
                    out().println("skipped   " + r.letter().position() + "  " + r.detail());
                    skipped++;
                }
            }
        }
        out().println("redriven " + sent + ", skipped " + skipped);
        return 0;
    }
}
