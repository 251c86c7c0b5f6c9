package dev.logtocp.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files that let a simulator be killed and started again with its data, like a server with a database:
 * {@code snapshot.json} (the whole state, with the generation of the journal that follows it),
 * {@code journal-<generation>.jsonl} (one JSON line per change since that snapshot), {@code token-key} (the key
 * access tokens are signed with, so tokens issued before a restart stay valid) and {@code lock}.
 *
 * <p>Why a journal rather than snapshots on a cadence: a real Logto never forgets a change it has answered, and a
 * test that kills and restarts the simulator must meet the same. Every batch of changes is appended with one write
 * before the request that made it is answered. A killed process loses nothing the kernel already accepted, so no
 * fsync per change; power loss is not part of what the simulator imitates. Snapshots are written to a temporary
 * file, forced to disk and renamed over the old one atomically, at start, on close and when the journal outgrows
 * the snapshot; the new, empty journal exists before the rename, so the snapshot always names a journal that
 * holds exactly the changes made after it. A last journal line cut short by a kill is ignored.
 *
 * <p>The files hold password markers and personal access token values as the simulator stores them; they are
 * created readable by their owner only.
 *
 * <p>Threading: used under the {@link Store}'s lock only; not thread-safe on its own.
 */
final class StateDirectory implements AutoCloseable {

    /** What a directory held when it was opened: the snapshot (null for a new directory) and the journal after it. */
    record Loaded(JsonObject snapshot, List<JsonObject> journal) {}

    private static final int FORMAT = 1;
    private static final Pattern JOURNAL = Pattern.compile("journal-(\\d+)\\.jsonl");
    private static final long MIN_COMPACT_BYTES = 4L << 20;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final byte[] tokenKey;
    private long generation;
    private FileChannel journal;
    private long journalBytes;
    private long snapshotBytes;

    private StateDirectory(Path dir, FileChannel lockChannel, FileLock lock, byte[] tokenKey) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.tokenKey = tokenKey;
    }

    /** Creates the directory if needed and takes its lock; fails if another simulator holds it. */
    static StateDirectory open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel lockChannel =
                    FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("state directory " + dir + " is in use by another simulator");
            }
            return new StateDirectory(dir, lockChannel, lock, tokenKey(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open state directory " + dir, e);
        }
    }

    /** The key for signing access tokens, the same across restarts. */
    byte[] tokenKey() {
        return tokenKey.clone();
    }

    /** Reads the snapshot and its journal. */
    Loaded load() {
        try {
            Path snapshotFile = dir.resolve("snapshot.json");
            JsonObject snapshot = null;
            generation = 0;
            if (Files.exists(snapshotFile)) {
                JsonObject file = new JsonObject(Files.readString(snapshotFile, StandardCharsets.UTF_8));
                if (file.getInteger("format", -1) != FORMAT) {
                    throw new IllegalStateException("state directory " + dir + " has an unknown format");
                }
                generation = file.getLong("generation");
                snapshot = file.getJsonObject("state");
            }
            return new Loaded(snapshot, readJournal(journalFile(generation)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state directory " + dir, e);
        }
    }

    private List<JsonObject> readJournal(Path file) throws IOException {
        List<JsonObject> changes = new ArrayList<>();
        if (!Files.exists(file)) {
            return changes;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                // Cut short by a kill in the middle of a write: that change was never answered.
                break;
            }
            String line = text.substring(start, end);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                changes.add(new JsonObject(line));
            } catch (DecodeException e) {
                throw new IllegalStateException("state directory " + dir + ": unreadable journal line in " + file, e);
            }
        }
        return changes;
    }

    /** Appends changes as whole lines with one write. */
    void append(List<JsonObject> changes) {
        StringBuilder text = new StringBuilder();
        for (JsonObject change : changes) {
            text.append(change.encode()).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                journalBytes += journal.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator's journal in " + dir, e);
        }
    }

    /** Whether the journal has grown enough that a snapshot is cheaper to read back. */
    boolean shouldCompact() {
        return journalBytes > Math.max(MIN_COMPACT_BYTES, 2 * snapshotBytes);
    }

    /** Writes {@code state} as the new snapshot and starts an empty journal after it. */
    void compact(JsonObject state) {
        long next = generation + 1;
        byte[] bytes = new JsonObject()
                .put("format", FORMAT)
                .put("generation", next)
                .put("state", state)
                .encode()
                .getBytes(StandardCharsets.UTF_8);
        Path temp = dir.resolve("snapshot.json.tmp");
        Path nextJournal = journalFile(next);
        try {
            try (FileChannel out = FileChannel.open(
                    temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            restrict(temp);
            FileChannel nextChannel = FileChannel.open(
                    nextJournal,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            try {
                restrict(nextJournal);
                Files.move(
                        temp,
                        dir.resolve("snapshot.json"),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                nextChannel.close();
                throw e;
            }
            if (journal != null) {
                journal.close();
            }
            journal = nextChannel;
            generation = next;
            journalBytes = 0;
            snapshotBytes = bytes.length;
            deleteOtherJournals();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a snapshot in " + dir, e);
        }
    }

    private void deleteOtherJournals() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher m = JOURNAL.matcher(file.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) != generation) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private Path journalFile(long gen) {
        return dir.resolve("journal-" + gen + ".jsonl");
    }

    private static byte[] tokenKey(Path dir) throws IOException {
        Path file = dir.resolve("token-key");
        if (Files.exists(file)) {
            return Base64.getDecoder()
                    .decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path temp = dir.resolve("token-key.tmp");
        Files.writeString(temp, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
        restrict(temp);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return key;
    }

    private static void restrict(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** Stops writing and releases the lock; the caller writes a last snapshot first if it wants one. */
    @Override
    public void close() {
        try {
            if (journal != null) {
                journal.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close state directory " + dir, e);
        }
    }
}
