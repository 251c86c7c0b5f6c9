package dev.logtocp.schema.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.schema.wire.SubjectNameStrategy;
import java.net.URI;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SubjectAndConfigTest {

    private static final Schema RECORD =
            new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a.b\",\"fields\":[]}");

    @Test
    void strategiesAcceptConfluentClassNamesAndShortNames() {
        assertThat(SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.TopicNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC);
        assertThat(SubjectNameStrategy.parse("record")).isEqualTo(SubjectNameStrategy.RECORD);
        assertThat(SubjectNameStrategy.parse("topic-record")).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.parse(null)).isEqualTo(SubjectNameStrategy.TOPIC);
        assertThatThrownBy(() -> SubjectNameStrategy.parse("nope")).isInstanceOf(ConfigException.class);
    }

    @Test
    void strategiesDeriveConfluentSubjects() {
        assertThat(SubjectNameStrategy.TOPIC.subject("t", false, RECORD)).isEqualTo("t-value");
        assertThat(SubjectNameStrategy.TOPIC.subject("t", true, RECORD)).isEqualTo("t-key");
        assertThat(SubjectNameStrategy.RECORD.subject("t", false, RECORD)).isEqualTo("a.b.R");
        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("t", false, RECORD)).isEqualTo("t-a.b.R");
    }

    @Test
    void configReadsSeveralUrlsAndUserInfoWithoutShowingTheSecret() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:1/, http://b:2",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:s3cret"));

        assertThat(config.urls()).containsExactly(URI.create("http://a:1"), URI.create("http://b:2"));
        assertThat(config.userInfo()).contains("alice:s3cret");
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("alice");
    }

    @Test
    void urlCredentialSourceTakesUserInfoFromTheUrlAndStripsIt() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://bob:pw@host:8081",
                "basic.auth.credentials.source", "URL"));

        assertThat(config.userInfo()).contains("bob:pw");
        assertThat(config.urls()).containsExactly(URI.create("http://host:8081"));
    }

    @Test
    void missingUrlOrUserInfoIsAConfigError() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of())).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(
                        Map.of("schema.registry.url", "http://x", "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class);
    }
}
