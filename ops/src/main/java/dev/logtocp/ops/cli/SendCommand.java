package dev.logtocp.ops.cli;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ops send}: one command from friendly JSON onto the command topic, in the registry wire format. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Send one command, given as JSON, to the command topic.",
            "The JSON may leave out optional fields and meta (commandId, idempotencyKey, issuedAt and issuer get",
            "defaults); unions need no type wrapper; timestamps are ISO-8601 or epoch ms.",
            "Example: ops send --type UserCreate '{\"username\":\"alice\",\"primaryEmail\":\"alice@example.com\"}'"
        })
final class SendCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Option(
            names = "--type",
            required = true,
            paramLabel = "TYPE",
            description = "Command record name in dev.logtocp.commands, e.g. UserCreate, RoleAssign, SessionRevoke.")
    String type;

    @Option(
            names = "--key",
            paramLabel = "KEY",
            description =
                    "Record key. Default: the user reference's value, or for UserCreate the externalId (else username, else email).")
    String key;

    @Option(
            names = "--issuer",
            defaultValue = "ops-cli",
            paramLabel = "NAME",
            description = "meta.issuer when the JSON has none. Default: ${DEFAULT-VALUE}")
    String issuer;

    @Parameters(index = "0", paramLabel = "JSON", description = "The command as JSON, or - to read it from stdin.")
    String json;

    @Override
    int run() throws Exception {
        SpecificRecord command = JsonCommands.parse(type, readJson(json), issuer);
        String recordKey = key != null ? key : JsonCommands.deriveKey(command);
        if (recordKey == null) {
            throw usage("cannot derive a key from this " + type + "; give --key");
        }
        Map<String, Object> props = kafka.client();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000"); // a wrong topic or broker fails in 20 s, not 60
        WireFormatSerializer serializer = new WireFormatSerializer();
        serializer.configure(kafka.serde(), false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(), serializer)) {
            RecordMetadata m = producer.send(new ProducerRecord<>(topics.commands, recordKey, command))
                    .get();
            String commandId = command.get(0) instanceof CommandMeta meta ? meta.getCommandId() : "-";
            out().println(m.topic() + "-" + m.partition() + "@" + m.offset() + " commandId=" + commandId + " key="
                    + recordKey);
        }
        return 0;
    }

    /** The argument itself, or stdin for {@code -}. */
    static String readJson(String argument) throws IOException {
        if (!"-".equals(argument)) {
            return argument;
        }
        InputStream in = System.in;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Encodes a command exactly like {@code send} does, for callers that need the bytes (dlq redrive). */
    static byte[] encode(KafkaOptions kafka, String topic, SpecificRecord command) {
        try (WireFormatSerializer serializer = new WireFormatSerializer()) {
            serializer.configure(kafka.serde(), false);
            return serializer.serialize(topic, command);
        }
    }
}
