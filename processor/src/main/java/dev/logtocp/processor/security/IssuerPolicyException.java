package dev.logtocp.processor.security;

/**
 * An issuer policy that cannot be used. The message is one line: the JSON path of the problem, then what is wrong
 * (e.g. {@code issuers.support-tool.keys.k1.secret: inline HMAC secrets are not allowed; use secretFile}). It names
 * files and fields, never key or secret material. Immutable.
 */
public final class IssuerPolicyException extends RuntimeException {

    private final String path;

    IssuerPolicyException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
    }

    /** The JSON path of the offending element; empty for the document as a whole. */
    public String path() {
        return path;
    }
}
