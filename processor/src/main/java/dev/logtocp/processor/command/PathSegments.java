package dev.logtocp.processor.command;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Percent-encodes values placed in URL paths, so an id can never change the path it is put into. */
final class PathSegments {
    private PathSegments() {}

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
