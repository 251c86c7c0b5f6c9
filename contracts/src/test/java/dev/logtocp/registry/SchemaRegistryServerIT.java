package dev.logtocp.registry;

import static dev.logtocp.registry.RegistryHttp.call;
import static dev.logtocp.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.registry.RegistryHttp.Answer;
import dev.logtocp.schema.registry.HttpSchemaRegistryClient;
import dev.logtocp.schema.registry.RegistryClientConfig;
import dev.logtocp.testkit.KafkaTestCluster;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaRegistryServerIT {

    static final String V1 = """
            {"type":"record","name":"Account","namespace":"dev.logtocp.test","fields":[
              {"name":"id","type":"string"}]}""";
    /** V1 plus a field with a default: backward compatible. */
    static final String V2 = """
            {"type":"record","name":"Account","namespace":"dev.logtocp.test","fields":[
              {"name":"id","type":"string"},{"name":"email","type":["null","string"],"default":null}]}""";
    /** V1 plus a field without a default: cannot read V1 data, so not backward compatible. */
    static final String BREAKING = """
            {"type":"record","name":"Account","namespace":"dev.logtocp.test","fields":[
              {"name":"id","type":"string"},{"name":"age","type":"int"}]}""";

    static KafkaTestCluster kafka;
    static SchemaRegistryServer server;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.shared();
        server = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic(topic()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String topic() {
        return "_schemas-" + UUID.randomUUID();
    }

    static String subject() {
        return "s-" + UUID.randomUUID() + "-value";
    }

    private static Answer call(String method, String path, String body) {
        return RegistryHttp.call(server.url(), method, path, body);
    }

    @Test
    void sameSchemaGetsTheSameIdAndAnotherSubjectReusesTheGlobalId() {
        String a = subject();
        String b = subject();

        Answer first = call("POST", "/subjects/" + a + "/versions", schemaBody(V1));
        Answer again = call("POST", "/subjects/" + a + "/versions", schemaBody(V1));
        Answer elsewhere = call("POST", "/subjects/" + b + "/versions", schemaBody(V1.replace("\n", " ")));

        assertThat(first.status()).isEqualTo(200);
        int id = first.body().get("id").asInt();
        assertThat(again.body().get("id").asInt()).isEqualTo(id);
        assertThat(elsewhere.body().get("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/subjects/" + a + "/versions", null).body().toString())
                .isEqualTo("[1]");
        assertThat(call("GET", "/schemas/ids/" + id + "/versions", null).body().findValuesAsText("subject"))
                .contains(a, b);
        assertThat(call("GET", "/subjects", null).body().toString()).contains(a, b);
    }

    @Test
    void schemaByIdReturnsTheSchemaTextAndUnknownIdsAre40403() {
        int id = call("POST", "/subjects/" + subject() + "/versions", schemaBody(V1))
                .body()
                .get("id")
                .asInt();

        Answer found = call("GET", "/schemas/ids/" + id, null);
        Answer missing = call("GET", "/schemas/ids/987654", null);

        assertThat(new Schema.Parser().parse(found.body().get("schema").asText()))
                .isEqualTo(new Schema.Parser().parse(V1));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo(40403);
    }

    @Test
    void lookupFindsARegisteredSchemaAndNamesWhatIsMissing() {
        String s = subject();
        int id = call("POST", "/subjects/" + s + "/versions", schemaBody(V1))
                .body()
                .get("id")
                .asInt();

        Answer found = call("POST", "/subjects/" + s, schemaBody(V1));
        Answer otherSchema = call("POST", "/subjects/" + s, schemaBody(V2));
        Answer noSubject = call("POST", "/subjects/" + subject(), schemaBody(V1));

        assertThat(found.body().get("id").asInt()).isEqualTo(id);
        assertThat(found.body().get("version").asInt()).isEqualTo(1);
        assertThat(found.body().get("subject").asText()).isEqualTo(s);
        assertThat(otherSchema.errorCode()).isEqualTo(40403);
        assertThat(noSubject.errorCode()).isEqualTo(40401);
    }

    @Test
    void compatibleEvolutionAddsVersionsAndLatestFollows() {
        String s = subject();
        call("POST", "/subjects/" + s + "/versions", schemaBody(V1));
        int v2 = call("POST", "/subjects/" + s + "/versions", schemaBody(V2))
                .body()
                .get("id")
                .asInt();

        Answer latest = call("GET", "/subjects/" + s + "/versions/latest", null);
        Answer first = call("GET", "/subjects/" + s + "/versions/1", null);

        assertThat(latest.body().get("version").asInt()).isEqualTo(2);
        assertThat(latest.body().get("id").asInt()).isEqualTo(v2);
        assertThat(first.body().get("version").asInt()).isEqualTo(1);
        assertThat(call("GET", "/subjects/" + s + "/versions/7", null).errorCode())
                .isEqualTo(40402);
        assertThat(call("GET", "/subjects/" + s + "/versions/abc", null).errorCode())
                .isEqualTo(42202);
        assertThat(call("GET", "/subjects/" + subject() + "/versions/latest", null)
                        .errorCode())
                .isEqualTo(40401);
    }

    @Test
    void incompatibleRegistrationIsRefusedWith409UnderTheDefaultBackwardLevel() {
        String s = subject();
        call("POST", "/subjects/" + s + "/versions", schemaBody(V1));

        Answer check = call("POST", "/compatibility/subjects/" + s + "/versions/latest", schemaBody(BREAKING));
        Answer refused = call("POST", "/subjects/" + s + "/versions", schemaBody(BREAKING));
        Answer compatible = call("POST", "/compatibility/subjects/" + s + "/versions/1", schemaBody(V2));

        assertThat(check.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(compatible.body().get("is_compatible").asBoolean()).isTrue();
        assertThat(call("GET", "/subjects/" + s + "/versions", null).body().toString())
                .isEqualTo("[1]");
    }

    @Test
    void subjectLevelNoneAllowsWhatBackwardRefuses() {
        String s = subject();
        call("POST", "/subjects/" + s + "/versions", schemaBody(V1));

        Answer put = call("PUT", "/config/" + s, "{\"compatibility\":\"NONE\"}");
        Answer registered = call("POST", "/subjects/" + s + "/versions", schemaBody(BREAKING));

        assertThat(put.body().get("compatibility").asText()).isEqualTo("NONE");
        assertThat(call("GET", "/config/" + s, null)
                        .body()
                        .get("compatibilityLevel")
                        .asText())
                .isEqualTo("NONE");
        assertThat(registered.status()).isEqualTo(200);
        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        assertThat(call("GET", "/config/" + subject(), null).errorCode()).isEqualTo(40408);
        assertThat(call("GET", "/config/" + subject() + "?defaultToGlobal=true", null)
                        .body()
                        .get("compatibilityLevel")
                        .asText())
                .isEqualTo("BACKWARD");
        assertThat(call("PUT", "/config/" + s, "{\"compatibility\":\"SIDEWAYS\"}")
                        .errorCode())
                .isEqualTo(42203);
    }

    @Test
    void forwardAndFullLevelsCheckTheOtherDirection() {
        String s = subject();
        call("PUT", "/config/" + s, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        call("POST", "/subjects/" + s + "/versions", schemaBody(V2));

        // Removing a field that has a default is FULL compatible; adding one without a default is not.
        assertThat(call("POST", "/subjects/" + s + "/versions", schemaBody(V1)).status())
                .isEqualTo(200);
        assertThat(call("POST", "/subjects/" + s + "/versions", schemaBody(BREAKING))
                        .status())
                .isEqualTo(409);
    }

    @Test
    void invalidAndNonAvroSchemasAre422() {
        String s = subject();
        Answer invalid = call("POST", "/subjects/" + s + "/versions", schemaBody("{\"type\":\"recrd\"}"));
        Answer protobuf = call(
                "POST",
                "/subjects/" + s + "/versions",
                "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
        Answer notJson = call("POST", "/subjects/" + s + "/versions", "not json");

        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42201);
        assertThat(protobuf.status()).isEqualTo(422);
        assertThat(notJson.status()).isEqualTo(400);
    }

    @Test
    void projectHttpClientWorksAgainstTheServer() {
        String s = subject();
        Schema v1 = new Schema.Parser().parse(V1);
        try (var client = new HttpSchemaRegistryClient(RegistryClientConfig.of(server.url()))) {
            int id = client.register(s, v1);
            assertThat(client.lookup(s, v1)).hasValue(id);
            assertThat(client.latest(s))
                    .hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(id));
            assertThat(client.latest(subject())).isEmpty();
        }
        try (var fresh = new HttpSchemaRegistryClient(RegistryClientConfig.of(server.url()))) {
            assertThat(fresh.schemaById(fresh.lookup(s, v1).getAsInt())).isEqualTo(v1);
        }
    }

    @Test
    void idsVersionsAndConfigSurviveARestart() {
        String topic = topic();
        String s = subject();
        RegistryServerConfig config =
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic(topic);
        int id1;
        int id2;
        try (SchemaRegistryServer first = SchemaRegistryServer.start(config)) {
            id1 = RegistryHttp.call(first.url(), "POST", "/subjects/" + s + "/versions", schemaBody(V1))
                    .body()
                    .get("id")
                    .asInt();
            id2 = RegistryHttp.call(first.url(), "POST", "/subjects/" + s + "/versions", schemaBody(V2))
                    .body()
                    .get("id")
                    .asInt();
            RegistryHttp.call(first.url(), "PUT", "/config/" + s, "{\"compatibility\":\"NONE\"}");
        }

        try (SchemaRegistryServer second = SchemaRegistryServer.start(config)) {
            String url = second.url();
            assertThat(RegistryHttp.call(url, "POST", "/subjects/" + s, schemaBody(V1))
                            .body()
                            .get("id")
                            .asInt())
                    .isEqualTo(id1);
            assertThat(RegistryHttp.call(url, "GET", "/subjects/" + s + "/versions/latest", null)
                            .body()
                            .get("id")
                            .asInt())
                    .isEqualTo(id2);
            assertThat(new Schema.Parser()
                            .parse(RegistryHttp.call(url, "GET", "/schemas/ids/" + id2, null)
                                    .body()
                                    .get("schema")
                                    .asText()))
                    .isEqualTo(new Schema.Parser().parse(V2));
            assertThat(RegistryHttp.call(url, "GET", "/config/" + s, null)
                            .body()
                            .get("compatibilityLevel")
                            .asText())
                    .isEqualTo("NONE");
            // NONE survived too, so the breaking schema is accepted, and it gets the next id.
            Answer third = RegistryHttp.call(url, "POST", "/subjects/" + s + "/versions", schemaBody(BREAKING));
            assertThat(third.body().get("id").asInt()).isEqualTo(Math.max(id1, id2) + 1);
        }
    }
}
