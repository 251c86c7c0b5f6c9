package dev.logtocp.processor.command;

import static dev.logtocp.processor.command.HandlerTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.MfaFactor;
import dev.logtocp.commands.MfaVerificationCreate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MfaVerificationCreateHandlerTest {
    private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP";
    private static final List<String> TEN_CODES = List.of(
            "a1b2c3d4e5",
            "f6a7b8c9d0",
            "0123456789",
            "abcdef0123",
            "4567890abc",
            "def0123456",
            "789abcdef0",
            "1a2b3c4d5e",
            "6f7a8b9c0d",
            "e1f2a3b4c5");
    private static final String LIST = USER + "/mfa-verifications";
    private final MfaVerificationCreateHandler handler = new MfaVerificationCreateHandler();
    private final FakeLogto logto = new FakeLogto();

    private static MfaVerificationCreate.Builder totp(String secret) {
        return MfaVerificationCreate.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setType(MfaFactor.TOTP)
                .setTotpSecret(secret);
    }

    private static MfaVerificationCreate.Builder codes(List<String> codes) {
        return MfaVerificationCreate.newBuilder()
                .setMeta(meta())
                .setUser(byId(USER_ID))
                .setType(MfaFactor.BACKUP_CODE)
                .setBackupCodes(codes);
    }

    @Test
    void listsThenPostsTheSecret() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.json(200, new JsonArray()))
                .on(HttpMethod.POST, LIST, FakeLogto.json(200, new JsonObject()));

        HandlerResult result = result(handler.execute(totp(SECRET).build(), context(logto)));

        assertSucceeded(result, USER_ID);
        assertThat(result.details()).containsExactlyEntriesOf(java.util.Map.of("type", "Totp"));
        assertThat(logto.lines()).containsExactly("GET " + LIST, "POST " + LIST);
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("type", "Totp").put("secret", SECRET));
        assertWritesCarryTheKey(logto);
    }

    @Test
    void backupCodesArePostedAsCodes() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.json(200, new JsonArray()))
                .on(HttpMethod.POST, LIST, FakeLogto.json(200, new JsonObject()));

        assertSucceeded(result(handler.execute(codes(TEN_CODES).build(), context(logto))), USER_ID);
        assertThat(logto.writes().get(0).body())
                .isEqualTo(new JsonObject().put("type", "BackupCode").put("codes", new JsonArray(TEN_CODES)));
    }

    @Test
    void aVerificationOfThatTypeCreatedSinceTheCommandWasIssuedIsAlreadyApplied() {
        logto.on(
                HttpMethod.GET,
                LIST,
                FakeLogto.json(
                        200,
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("type", "Totp")
                                        .put(
                                                "createdAt",
                                                ISSUED_AT.plusSeconds(1).toEpochMilli()))));

        assertAlreadyApplied(result(handler.execute(totp(SECRET).build(), context(logto))), USER_ID);
        assertThat(logto.writes()).isEmpty();
    }

    @Test
    void anOlderVerificationOfThatTypeIsNotThisCommandsAndLogtosRefusalStands() {
        logto.on(
                        HttpMethod.GET,
                        LIST,
                        FakeLogto.json(
                                200,
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("type", "Totp")
                                                .put(
                                                        "createdAt",
                                                        ISSUED_AT
                                                                .minusSeconds(60)
                                                                .toEpochMilli()))))
                .on(HttpMethod.POST, LIST, FakeLogto.error(422, "user.totp_already_in_use", "secret " + SECRET));

        HandlerResult result = result(handler.execute(totp(SECRET).build(), context(logto)));

        assertFailed(result, "user.totp_already_in_use", 422);
        assertThat(result.errorMessage()).doesNotContain(SECRET);
    }

    @Test
    void aMissingUserIsUserNotFoundBeforeAnyWrite() {
        logto.on(HttpMethod.GET, LIST, FakeLogto.error(404, "entity.not_found"));

        assertUserNotFound(result(handler.execute(totp(SECRET).build(), context(logto))));
        assertThat(logto.writes()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void secretsAndCodesLogtoWouldRefuseAreFieldErrors(
            String name, MfaVerificationCreate command, List<String> fields) {
        assertThat(fields(handler.validate(command))).containsExactlyInAnyOrderElementsOf(fields);
    }

    static Stream<Arguments> invalid() {
        List<String> notHex = new ArrayList<>(TEN_CODES);
        notHex.set(3, "a1b2c3d4eg");
        return Stream.of(
                Arguments.of(
                        "not base32, with codes",
                        totp("not base32!")
                                .setBackupCodes(List.of("a1b2c3d4e5"))
                                .build(),
                        List.of("totpSecret", "backupCodes")),
                Arguments.of("no codes", codes(null).build(), List.of("backupCodes")),
                Arguments.of(
                        "a partial group", totp("JBSWY3DPEHPK3PXP" + "JBSW").build(), List.of("totpSecret")),
                Arguments.of(
                        "too long",
                        totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DP").build(),
                        List.of("totpSecret")),
                Arguments.of("lower case", totp("jbswy3dpehpk3pxp").build(), List.of("totpSecret")),
                Arguments.of("nine codes", codes(TEN_CODES.subList(0, 9)).build(), List.of("backupCodes")),
                Arguments.of("a code not hex", codes(notHex).build(), List.of("backupCodes[3]")));
    }
}
