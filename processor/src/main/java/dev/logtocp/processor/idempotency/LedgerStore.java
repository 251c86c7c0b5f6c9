package dev.logtocp.processor.idempotency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TtlDB;
import org.rocksdb.WriteOptions;

/**
 * The committed part of the idempotency ledger, on local disk (RocksDB) instead of in the heap: a ledger holds one
 * entry per command decided in the retention window, and held in heap (about 315 bytes each) it made the heap grow
 * with the backlog worked through: a 512 MiB instance was in full GCs from about 900,000 entries on and ran out of
 * heap at 1.9 million.
 *
 * <p>The store is a cache of the ledger topic, not a source of truth: each start opens an empty directory and
 * the partitions it is assigned are restored from the topic, so no write-ahead log is kept and a directory left by
 * a killed process is simply deleted. Entries live until RocksDB's TTL compaction drops them one day after the
 * retention; lookups check the exact decision time anyway.
 *
 * <p>Thread-safe. Closing waits for calls in progress and turns later ones into no-ops, so an event loop that
 * still looks something up during shutdown cannot touch freed native memory.
 */
public final class LedgerStore implements AutoCloseable {
    private static final String DIRECTORY_PREFIX = "ledger-";
    private static final AtomicInteger OPENED_IN_THIS_JVM = new AtomicInteger();
    private static final long BLOCK_CACHE_BYTES = 32L << 20;
    private static final long WRITE_BUFFER_BYTES = 16L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final Options options;
    private final WriteOptions writes;
    private final TtlDB db;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private LedgerStore(Path directory, Duration retention) throws RocksDBException {
        this.directory = directory;
        this.cache = new LRUCache(BLOCK_CACHE_BYTES);
        this.filter = new BloomFilter(10);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                // Almost every lookup is a miss (a new command): a Bloom filter answers most of them without
                // reading a data block.
                .setTableFormatConfig(
                        new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter));
        // Rebuilt from the ledger topic on every start: a write-ahead log would protect nothing.
        this.writes = new WriteOptions().setDisableWAL(true);
        int ttlSeconds = (int) Math.min(Integer.MAX_VALUE, retention.plusDays(1).toSeconds());
        this.db = TtlDB.open(options, directory.toString(), ttlSeconds, false);
    }

    /**
     * Opens a fresh store in a new directory under {@code stateDir}, after deleting the directories of processes
     * that no longer run. The directory name carries the process id (and a counter, for tests that run several
     * processors in one JVM).
     */
    public static LedgerStore open(Path stateDir, Duration retention) {
        try {
            Files.createDirectories(stateDir);
            deleteAbandoned(stateDir);
            long pid = ProcessHandle.current().pid();
            Path directory = stateDir.resolve(DIRECTORY_PREFIX + pid + "-" + OPENED_IN_THIS_JVM.incrementAndGet());
            deleteRecursively(directory);
            return new LedgerStore(directory, retention);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the ledger state directory " + stateDir, e);
        } catch (RocksDBException e) {
            throw new IllegalStateException(
                    "cannot open the ledger store under " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The stored bytes of this key on this ledger partition, or null. */
    public byte[] get(int partition, String key) {
        lock.readLock().lock();
        try {
            return closed ? null : db.get(key(partition, key));
        } catch (RocksDBException e) {
            throw new IllegalStateException("ledger store read failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void put(int partition, String key, byte[] value) {
        lock.readLock().lock();
        try {
            if (!closed) {
                db.put(writes, key(partition, key), value);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("ledger store write failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    public void delete(int partition, String key) {
        lock.readLock().lock();
        try {
            if (!closed) {
                db.delete(writes, key(partition, key));
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("ledger store delete failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** RocksDB's estimate of the keys held (overwritten and expired ones may still count until compaction). */
    public long approximateSize() {
        lock.readLock().lock();
        try {
            return closed ? 0 : db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return -1;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writes.close();
            options.close();
            filter.close();
            cache.close();
        } finally {
            lock.writeLock().unlock();
        }
        try {
            deleteRecursively(directory);
        } catch (IOException e) {
            // Deleted by the next start on this host, which removes the directories of dead processes.
        }
    }

    private static byte[] key(int partition, String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + utf8.length).putInt(partition).put(utf8).array();
    }

    private static void deleteAbandoned(Path stateDir) throws IOException {
        try (Stream<Path> children = Files.list(stateDir)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (!name.startsWith(DIRECTORY_PREFIX)) {
                    continue;
                }
                if (!ownerAlive(name.substring(DIRECTORY_PREFIX.length()).split("-", 2)[0])) {
                    deleteRecursively(child);
                }
            }
        }
    }

    private static boolean ownerAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid))
                    .map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
