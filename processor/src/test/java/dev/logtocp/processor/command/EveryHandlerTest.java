package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.assertRetryable;
import static dev.logtocp.processor.command.HandlerTesting.byExternalId;
import static dev.logtocp.processor.command.HandlerTesting.byId;
import static dev.logtocp.processor.command.HandlerTesting.byUsername;
import static dev.logtocp.processor.command.HandlerTesting.context;
import static dev.logtocp.processor.command.HandlerTesting.fields;
import static dev.logtocp.processor.command.HandlerTesting.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserDelete;
import dev.logtocp.outcomes.OutcomeStatus;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What holds for every handler in {@link HandlerRegistry#standard}, one row per command type, each starting from the
 * producer kit's valid example of that command: a reference to nobody ends before any write, a retryable answer
 * leaves the decision to the engine, a command without a user is a field error. Each handler's own behaviour is in
 * its {@code <Handler>Test}.
 */
class EveryHandlerTest {
    private static final Path EXAMPLES =
            Path.of(System.getProperty("user.dir")).getParent().resolve("schemas/producer-kit/examples");

    @Test
    void everyHandlerHasItsOwnUnitTestClass() {
        List<String> missing = handlers().stream()
                .map(h -> h.getClass().getName() + "Test")
                .filter(name -> {
                    try {
                        Class.forName(name);
                        return false;
                    } catch (ClassNotFoundException e) {
                        return true;
                    }
                })
                .toList();
        assertThat(missing).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targeted")
    void aCommandWithoutAUserIsAFieldError(
            String name, CommandHandler<SpecificRecord> handler, SpecificRecordBase command) {
        assertThat(fields(handler.validate(command))).isEmpty();
        command.put("user", null);
        assertThat(fields(handler.validate(command))).contains("user");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targeted")
    void aUsernameNobodyHasEndsUserNotFoundWithoutAWrite(
            String name, CommandHandler<SpecificRecord> handler, SpecificRecordBase command) {
        command.put("user", byUsername("ghost"));
        FakeLogto logto = new FakeLogto().on(HttpMethod.GET, "/api/users", FakeLogto.json(200, new JsonArray()));

        HandlerTesting.Verdict verdict = verdict(handler.execute(command, context(logto)));

        if (command instanceof UserDelete) {
            // The command asks for the user to be absent: nobody by that name is what it asked for.
            assertThat(verdict.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(verdict.details()).containsEntry("alreadyApplied", "true");
        } else {
            assertThat(verdict.status()).isEqualTo(OutcomeStatus.FAILED);
            assertThat(verdict.code()).isEqualTo(UserResolver.USER_NOT_FOUND);
        }
        assertThat(logto.lines()).containsExactly("GET /api/users");
        assertThat(logto.calls().get(0).query())
                .containsEntry("search.username", "ghost")
                .containsEntry("mode.username", "exact")
                .containsEntry("isCaseSensitive", "true");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targeted")
    void anExternalIdNobodyWasCreatedWithEndsWithoutACall(
            String name, CommandHandler<SpecificRecord> handler, SpecificRecordBase command) {
        command.put("user", byExternalId("crm-nobody"));
        FakeLogto logto = new FakeLogto();

        HandlerTesting.Verdict verdict = verdict(handler.execute(command, context(logto)));

        assertThat(verdict.status())
                .isEqualTo(command instanceof UserDelete ? OutcomeStatus.SUCCEEDED : OutcomeStatus.FAILED);
        if (!(command instanceof UserDelete)) {
            assertThat(verdict.code()).isEqualTo(UserResolver.USER_NOT_FOUND);
        }
        assertThat(logto.calls()).isEmpty();
    }

    @ParameterizedTest(name = "{0} answered {3}")
    @MethodSource("everyHandlerAndTransientStatus")
    void aTransientAnswerToTheFirstCallIsLeftToTheEngineToRetry(
            String name, CommandHandler<SpecificRecord> handler, SpecificRecordBase command, int status) {
        if (command.getSchema().getField("user") != null) {
            command.put("user", byId("u1"));
        }
        FakeLogto logto =
                new FakeLogto().answerEveryCall(FakeLogto.json(status, new JsonObject().put("message", "busy")));

        assertRetryable(handler.execute(command, context(logto)), status);
        // Nothing is written after the failed call (the role lookups of RolesReplace go out together).
        assertThat(logto.calls()).isNotEmpty();
        assertThat(logto.writes()).hasSizeLessThanOrEqualTo(1);
    }

    static Stream<Arguments> targeted() {
        return examples()
                .filter(a -> ((SpecificRecordBase) a.get()[2]).getSchema().getField("user") != null);
    }

    static Stream<Arguments> everyHandlerAndTransientStatus() {
        return examples()
                .flatMap(a -> Stream.of(429, 500, 503)
                        .map(status ->
                                Arguments.of(a.get()[0], a.get()[1], copy((SpecificRecordBase) a.get()[2]), status)));
    }

    /** One row per handler: its name, the handler, and the producer kit's example of its command. */
    static Stream<Arguments> examples() {
        return handlers().stream().map(handler -> {
            String type = handler.commandType().getSimpleName();
            return Arguments.of(type, handler, example(handler.commandType()));
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<CommandHandler<SpecificRecord>> handlers() {
        HandlerRegistry registry = HandlerRegistry.standard(keysFor("crm"));
        return registry.commandTypes().stream()
                .map(type -> (CommandHandler<SpecificRecord>)
                        (CommandHandler) registry.find((Class) type).orElseThrow())
                .toList();
    }

    private static SpecificRecordBase example(Class<?> type) {
        try {
            Schema schema = SpecificData.get().getSchema(type);
            String json = Files.readString(EXAMPLES.resolve(type.getSimpleName() + ".avro.json"));
            return new SpecificDatumReader<SpecificRecordBase>(schema)
                    .read(null, DecoderFactory.get().jsonDecoder(schema, json));
        } catch (Exception e) {
            throw new IllegalStateException("no producer-kit example of " + type.getSimpleName(), e);
        }
    }

    private static SpecificRecordBase copy(SpecificRecordBase record) {
        return SpecificData.get().deepCopy(record.getSchema(), record);
    }

    /** Recipient keys with a fresh RSA key for {@code issuer}, so PasswordReset can run. */
    static RecipientKeys keysFor(String issuer) {
        try {
            Path dir = Files.createTempDirectory("recipients");
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            Files.writeString(
                    dir.resolve(issuer + ".pem"),
                    "-----BEGIN PUBLIC KEY-----\n"
                            + Base64.getMimeEncoder()
                                    .encodeToString(
                                            rsa.generateKeyPair().getPublic().getEncoded())
                            + "\n-----END PUBLIC KEY-----\n");
            return RecipientKeys.load(dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
