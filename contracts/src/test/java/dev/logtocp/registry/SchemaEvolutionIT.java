package dev.logtocp.registry;

import static dev.logtocp.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.registry.RegistryHttp.Answer;
import dev.logtocp.testkit.KafkaTestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade must never strand a producer: every current schema is registered, with the registry server's
 * own compatibility rules, on top of the version an earlier release shipped (test resources
 * {@code released-schemas/}). Under BACKWARD (the default, and what producers' auto-registration meets) the new
 * processor reads what old producers wrote; under FULL an old processor, still running during the upgrade, also
 * reads what upgraded producers write. Every field added since a release must have a default and carry
 * {@value #HASH_WHEN_SET}, so that its payload hash stays as it was and the idempotency ledger still recognises
 * commands decided before the upgrade ({@code PayloadHasher} in the processor).
 */
class SchemaEvolutionIT {

    /** The field property {@code dev.logtocp.processor.idempotency.PayloadHasher} honours. */
    static final String HASH_WHEN_SET = "lcp.hashWhenSet";

    static final List<String> RELEASES = List.of("r1");

    static SchemaRegistryServer server;

    @BeforeAll
    static void start() {
        server = SchemaRegistryServer.start(
                RegistryServerConfig.of(KafkaTestCluster.shared().bootstrapServers())
                        .withTopic("_schemas-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Answer call(String method, String path, String body) {
        return RegistryHttp.call(server.url(), method, path, body);
    }

    /** The subject producers use for a record under the record-name strategy, made unique per check. */
    private static String subject(Schema schema) {
        return schema.getFullName() + "-" + UUID.randomUUID();
    }

    @Test
    void everyCurrentSchemaRegistersOnTopOfItsReleasedVersionUnderBackwardAndFull() {
        List<String> checked = new ArrayList<>();
        for (String release : RELEASES) {
            for (Schema released : releasedSchemas(release)) {
                Schema current = currentSchema(released.getFullName());
                for (String level : List.of("BACKWARD", "FULL")) {
                    String subject = subject(released);
                    assertThat(call("PUT", "/config/" + subject, "{\"compatibility\":\"" + level + "\"}")
                                    .status())
                            .isEqualTo(200);
                    assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(released.toString()))
                                    .status())
                            .isEqualTo(200);
                    Answer compatible = call(
                            "POST",
                            "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                            schemaBody(current.toString()));
                    assertThat(compatible.body().path("is_compatible").asBoolean())
                            .as(
                                    "%s %s against release %s: %s",
                                    level, current.getFullName(), release, compatible.body())
                            .isTrue();
                    Answer registered =
                            call("POST", "/subjects/" + subject + "/versions", schemaBody(current.toString()));
                    assertThat(registered.status())
                            .as(registered.body().toString())
                            .isEqualTo(200);
                }
                assertThat(addedFieldProblems(released, current))
                        .as(current.getFullName())
                        .isEmpty();
                checked.add(released.getName());
            }
        }
        // Guards the harness itself: the release directory was found and read.
        assertThat(checked)
                .contains("UserCreate", "RoleAssign", "CommandOutcome", "AuditEvent")
                .hasSizeGreaterThan(20);
        System.out.println(
                "schema evolution: " + checked.size() + " released schemas checked against the current ones");
    }

    @Test
    void userCreateGainedExactlyTheOptionalProfileSinceR1() {
        Schema released = releasedSchemas("r1").stream()
                .filter(s -> s.getName().equals("UserCreate"))
                .findFirst()
                .orElseThrow();
        Schema current = currentSchema("dev.logtocp.commands.UserCreate");
        assertThat(current.getFields().stream().map(Schema.Field::name).filter(name -> released.getField(name) == null))
                .containsExactly("profileJson");
        Schema.Field profile = current.getField("profileJson");
        assertThat(profile.hasDefaultValue()).isTrue();
        assertThat(profile.getObjectProp(HASH_WHEN_SET)).isEqualTo(true);
    }

    @Test
    void negativeControlARequiredFieldOrAnUnmarkedAdditionIsRefused() {
        Schema current = currentSchema("dev.logtocp.commands.UserCreate");
        String subject = subject(current);
        assertThat(call("POST", "/subjects/" + subject + "/versions", schemaBody(current.toString()))
                        .status())
                .isEqualTo(200);
        Schema required = withExtraField(current, "{\"name\":\"tenant\",\"type\":\"string\",\"doc\":\"x\"}");
        Answer refused = call("POST", "/subjects/" + subject + "/versions", schemaBody(required.toString()));
        assertThat(refused.status()).isEqualTo(409);

        Schema unmarked = withExtraField(
                current, "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"x\"}");
        assertThat(addedFieldProblems(current, unmarked))
                .containsExactly("dev.logtocp.commands.UserCreate.tenant does not carry " + HASH_WHEN_SET);
        assertThat(addedFieldProblems(current, required))
                .contains("dev.logtocp.commands.UserCreate.tenant has no default");
    }

    /** Why fields in {@code current} but not in {@code released} would break the ledger or old data. */
    static List<String> addedFieldProblems(Schema released, Schema current) {
        List<String> problems = new ArrayList<>();
        if (current.getType() != Schema.Type.RECORD) {
            return problems;
        }
        for (Schema.Field field : current.getFields()) {
            if (released.getField(field.name()) != null) {
                continue;
            }
            String name = current.getFullName() + "." + field.name();
            if (!field.hasDefaultValue()) {
                problems.add(name + " has no default");
            }
            if (!Boolean.TRUE.equals(field.getObjectProp(HASH_WHEN_SET))) {
                problems.add(name + " does not carry " + HASH_WHEN_SET);
            }
        }
        return problems;
    }

    private static Schema withExtraField(Schema schema, String fieldJson) {
        String text = schema.toString();
        // The record's own field list ends the text: "...]}" for a record without trailing properties.
        int end = text.lastIndexOf("]}");
        return new Schema.Parser().parse(text.substring(0, end) + "," + fieldJson + text.substring(end));
    }

    private static Schema currentSchema(String fullName) {
        try {
            return (Schema) Class.forName(fullName).getMethod("getClassSchema").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(
                    "no current schema for released " + fullName + " (a released type may not be removed)", e);
        }
    }

    private static List<Schema> releasedSchemas(String release) {
        URL dir = SchemaEvolutionIT.class.getResource("/released-schemas/" + release);
        assertThat(dir).as("released-schemas/" + release).isNotNull();
        List<Schema> schemas = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    schemas.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return schemas;
    }
}
