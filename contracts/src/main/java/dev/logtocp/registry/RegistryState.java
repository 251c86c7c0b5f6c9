package dev.logtocp.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's in-memory view, rebuilt from the schemas topic and updated after each durable write.
 * Applying the same record twice is harmless (compaction and re-reads may replay records).
 *
 * <p>Not thread-safe: the server guards it with one lock.
 */
final class RegistryState {

    /** One version of one subject. */
    record Version(String subject, int version, int id) {}

    /** A stored schema: the text first registered with this id and its parsing canonical form. */
    record Stored(int id, String text, String canonical) {}

    private final Map<Integer, Stored> byId = new HashMap<>();
    private final Map<String, Integer> idByCanonical = new HashMap<>();
    private final Map<String, List<Version>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
    private int maxId;

    void applySchema(String subject, int version, int id, String text, String canonical) {
        byId.putIfAbsent(id, new Stored(id, text, canonical));
        idByCanonical.putIfAbsent(canonical, id);
        maxId = Math.max(maxId, id);
        List<Version> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (versions.stream().noneMatch(v -> v.version() == version)) {
            versions.add(new Version(subject, version, id));
            versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
        }
    }

    void applyConfig(String subjectOrNull, CompatibilityLevel level) {
        if (subjectOrNull == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subjectOrNull, level);
        }
    }

    int nextId() {
        return maxId + 1;
    }

    Optional<Stored> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    Optional<Integer> idOf(String canonical) {
        return Optional.ofNullable(idByCanonical.get(canonical));
    }

    List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** Versions of {@code subject}, oldest first; empty if the subject is unknown. */
    List<Version> versions(String subject) {
        return List.copyOf(subjects.getOrDefault(subject, List.of()));
    }

    /** Every (subject, version) that uses schema {@code id}. */
    List<Version> usagesOf(int id) {
        List<Version> usages = new ArrayList<>();
        subjects.values().forEach(vs -> vs.stream().filter(v -> v.id() == id).forEach(usages::add));
        return usages;
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
