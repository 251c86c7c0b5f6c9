package dev.logtocp.processor.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link IssuerPolicy} and, when opened on a file, follows changes to it.
 *
 * <p>{@link #open} loads the file (a bad file stops start-up) and then checks every {@code checkEvery} whether the
 * policy file or a key/secret file it names changed (modification time, size or file identity, so an atomic
 * rename or a Kubernetes ConfigMap symlink swap is seen). A changed set is parsed in full and swapped in
 * atomically: a command is checked against one policy or the next, never a mix. A file that does not parse keeps
 * the previous policy in force and logs one WARN line naming the file and the JSON path of the problem, never key
 * or secret material; the same broken version is not reported again. If a new policy fails only because a key file
 * it names is missing, touch the policy file once the key file is in place.
 *
 * <p>{@link #allowAll()} is the store for deployments without a policy file: every issuer may send every command
 * unsigned, as before policies existed. Whether that is the default when {@code ISSUER_POLICY_FILE} is unset is the
 * engine's decision, not this class's.
 *
 * <p>Thread-safe: {@link #current()} is a volatile read and may be called from any thread; reloads run on one
 * daemon thread owned by the store and stopped by {@link #close()}.
 */
public final class PolicyStore implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(PolicyStore.class);

    private final Path file;
    private final ScheduledExecutorService watcher;
    private volatile IssuerPolicy current;
    /** What the files looked like when last read, successfully or not. Touched only by the watcher thread. */
    private List<Object> seen;

    private PolicyStore(Path file, IssuerPolicy initial, Duration checkEvery) {
        this.file = file;
        this.current = initial;
        if (file == null) {
            this.watcher = null;
            return;
        }
        this.seen = fingerprint(file, initial);
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "issuer-policy-watch");
            thread.setDaemon(true);
            return thread;
        });
        long periodMs = checkEvery.toMillis();
        watcher.scheduleWithFixedDelay(this::checkQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads {@code file} and watches it.
     *
     * @throws IssuerPolicyException when the file cannot be read or is not a valid policy
     * @throws IllegalArgumentException when {@code checkEvery} is not positive
     */
    public static PolicyStore open(Path file, Duration checkEvery) {
        Objects.requireNonNull(file, "file");
        if (checkEvery == null || checkEvery.isNegative() || checkEvery.toMillis() < 1) {
            throw new IllegalArgumentException("checkEvery must be at least 1 ms");
        }
        return new PolicyStore(file, IssuerPolicy.load(file), checkEvery);
    }

    /** A store that always answers {@code policy}; no thread. */
    public static PolicyStore fixed(IssuerPolicy policy) {
        return new PolicyStore(null, Objects.requireNonNull(policy, "policy"), null);
    }

    /** {@link IssuerPolicy#allowAll()}, fixed: for deployments without a policy file. */
    public static PolicyStore allowAll() {
        return fixed(IssuerPolicy.allowAll());
    }

    /** The policy in force now. */
    public IssuerPolicy current() {
        return current;
    }

    /** The watched file, empty for fixed stores. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Reloads when the files changed since they were last read; returns true when a new policy was swapped in. */
    boolean reloadIfChanged() {
        List<Object> now = fingerprint(file, current);
        if (now.equals(seen)) {
            return false;
        }
        seen = now;
        IssuerPolicy next;
        try {
            next = IssuerPolicy.load(file);
        } catch (IssuerPolicyException e) {
            LOGGER.atWarn()
                    .addKeyValue("file", file)
                    .addKeyValue("error", e.getMessage())
                    .log("issuer policy not reloaded, the previous policy stays in force");
            return false;
        }
        // Key files of the new policy may differ from the old one's; remember theirs.
        seen = fingerprint(file, next);
        current = next;
        LOGGER.atInfo()
                .addKeyValue("file", file)
                .addKeyValue("issuers", next.issuers().size())
                .addKeyValue("defaultIssuer", next.defaultIssuer())
                .log("issuer policy reloaded");
        return true;
    }

    private void checkQuietly() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            // An exception would cancel the schedule; the next check tries again.
            LOGGER.atWarn()
                    .addKeyValue("file", file)
                    .addKeyValue("error", e.getClass().getSimpleName())
                    .log("issuer policy check failed");
        }
    }

    private static List<Object> fingerprint(Path file, IssuerPolicy policy) {
        List<Object> out = new ArrayList<>();
        out.add(attributes(file));
        policy.referencedFiles().stream().sorted().forEach(p -> out.add(attributes(p)));
        return out;
    }

    private static List<Object> attributes(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return List.of(path.toString(), a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return List.of(path.toString(), "missing");
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
