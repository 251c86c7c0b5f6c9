package dev.logtocp.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Logto's user search query ({@code search}, {@code search.<field>}, {@code mode}, {@code mode.<field>},
 * {@code joint}, {@code isCaseSensitive}) turned into a predicate. Immutable once parsed; thread-safe.
 */
final class UserSearch implements Predicate<UserRecord> {

    private static final Map<String, Function<UserRecord, String>> FIELDS = Map.of(
            "id", u -> u.id,
            "primaryEmail", u -> u.primaryEmail,
            "primaryPhone", u -> u.primaryPhone,
            "username", u -> u.username,
            "name", u -> u.name);
    private static final List<String> MODES = List.of("exact", "like", "similar_to", "posix");

    /** An exact condition on an indexed field, which lets the store skip the full scan. */
    record IndexHint(String field, String value) {}

    private static final List<String> INDEXED = List.of("id", "username", "primaryEmail", "primaryPhone");

    private final List<Predicate<UserRecord>> conditions;
    private final boolean and;
    private final List<IndexHint> hints;

    private UserSearch(List<Predicate<UserRecord>> conditions, boolean and, List<IndexHint> hints) {
        this.conditions = conditions;
        this.and = and;
        this.hints = hints;
    }

    /**
     * An exact lookup every match must satisfy, if there is one: only then may the store look candidates up by
     * index instead of scanning all users (lookups by username or email are the processor's hot path).
     */
    Optional<IndexHint> indexHint() {
        if (hints.isEmpty() || !(and || conditions.size() == 1)) {
            return Optional.empty();
        }
        return Optional.of(hints.get(0));
    }

    static UserSearch parse(MultiMap params) {
        boolean caseSensitive = "true".equalsIgnoreCase(params.get("isCaseSensitive"));
        String joint = params.get("joint");
        if (joint != null && !joint.equals("and") && !joint.equals("or")) {
            throw invalid("Search joint mode `" + joint + "` is not valid, expect one of and, or.");
        }
        String defaultMode = params.get("mode");
        if (defaultMode == null) {
            defaultMode = "like";
        } else if (!MODES.contains(defaultMode)) {
            throw invalid("Search match mode `" + defaultMode
                    + "` is not valid, expect one of exact, like, similar_to, posix.");
        }
        List<Predicate<UserRecord>> conditions = new ArrayList<>();
        List<IndexHint> hints = new ArrayList<>();
        for (Map.Entry<String, String> entry : params.entries()) {
            String key = entry.getKey();
            if (key.equals("search")) {
                Predicate<String> match = matcher(entry.getValue(), defaultMode, caseSensitive);
                conditions.add(u -> FIELDS.values().stream().anyMatch(f -> test(match, f.apply(u))));
            } else if (key.startsWith("search.")) {
                String field = key.substring("search.".length());
                if (field.contains(".")) {
                    throw invalid("Unsupported nested search field path `" + field
                            + "` detected. Only the first level field is supported.");
                }
                Function<UserRecord, String> getter = FIELDS.get(field);
                if (getter == null) {
                    throw invalid("Search field `" + snake(field) + "` is not valid, expect one of id, primary_email, "
                            + "primary_phone, username, name.");
                }
                String mode = params.get("mode." + field);
                if (mode == null) {
                    mode = defaultMode;
                } else if (!MODES.contains(mode)) {
                    throw invalid("Search match mode `" + mode + "` for field `" + field
                            + "` is not valid, expect one of exact, like, similar_to, posix.");
                }
                Predicate<String> match = matcher(entry.getValue(), mode, caseSensitive);
                conditions.add(u -> test(match, getter.apply(u)));
                if (mode.equals("exact") && INDEXED.contains(field)) {
                    hints.add(new IndexHint(field, entry.getValue()));
                }
            }
        }
        return new UserSearch(List.copyOf(conditions), "and".equals(joint), List.copyOf(hints));
    }

    @Override
    public boolean test(UserRecord user) {
        if (conditions.isEmpty()) {
            return true;
        }
        if (and) {
            return conditions.stream().allMatch(c -> c.test(user));
        }
        return conditions.stream().anyMatch(c -> c.test(user));
    }

    private static boolean test(Predicate<String> match, String value) {
        return value != null && match.test(value);
    }

    private static Predicate<String> matcher(String needle, String mode, boolean caseSensitive) {
        int flags = caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        return switch (mode) {
            case "exact" -> caseSensitive ? needle::equals : needle::equalsIgnoreCase;
            case "like" ->
                Pattern.compile(likeToRegex(needle), flags | Pattern.DOTALL).asMatchPredicate();
            default -> {
                try {
                    yield Pattern.compile(needle, flags).asPredicate();
                } catch (RuntimeException e) {
                    throw invalid("Invalid search pattern.");
                }
            }
        };
    }

    /** SQL LIKE semantics: {@code %} any run, {@code _} any one character, the rest literal. */
    private static String likeToRegex(String like) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : like.toCharArray()) {
            if (c == '%' || c == '_') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static ApiError invalid(String detail) {
        return ApiError.withData(400, "request.invalid_input", "Input is invalid. " + detail, new JsonObject());
    }
}
