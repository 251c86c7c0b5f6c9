package dev.logtocp.registry;

/**
 * A refusal answered the way Confluent's registry answers: HTTP status plus
 * {@code {"error_code": ..., "message": ...}}. Immutable.
 */
final class RegistryError extends RuntimeException {

    private final int status;
    private final int errorCode;

    RegistryError(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }

    static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryError versionNotFound(String subject, String version) {
        return new RegistryError(404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryError schemaNotFound(String what) {
        return new RegistryError(404, 40403, "Schema " + what + " not found.");
    }

    static RegistryError invalidSchema(String detail) {
        return new RegistryError(422, 42201, "Invalid schema: " + detail);
    }

    static RegistryError invalidVersion(String version) {
        return new RegistryError(
                422,
                42202,
                "The specified version '" + version + "' is not a valid version id. "
                        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryError invalidCompatibility(String level) {
        return new RegistryError(422, 42203, "Invalid compatibility level: " + level);
    }

    static RegistryError incompatible(String subject, String detail) {
        return new RegistryError(
                409,
                409,
                "Schema being registered is incompatible with an earlier schema for " + "subject \"" + subject + "\": "
                        + detail);
    }

    static RegistryError badRequest(String detail) {
        return new RegistryError(400, 400, detail);
    }

    static RegistryError storeFailure(String detail) {
        return new RegistryError(500, 50001, "Error while storing: " + detail);
    }
}
