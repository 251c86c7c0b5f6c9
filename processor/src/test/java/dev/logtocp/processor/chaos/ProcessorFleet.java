package dev.logtocp.processor.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of processor instances, each a child JVM ({@code dev.logtocp.processor.Main}) started from the
 * test JVM's class path and configured only through environment variables, as in production. Slot {@code i}
 * always runs with {@code PROCESSOR_INSTANCE_ID=chaos-i}, so a restarted instance gets the transactional id of
 * the one it replaces and fences whatever that one left open.
 *
 * <p>Output of every generation of a slot is appended to {@code <logDir>/processor-<i>.log}. A JVM shutdown hook
 * destroys the children if the test JVM dies before {@link #close()} runs, so no orphan keeps consuming.
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
final class ProcessorFleet implements AutoCloseable {
    private static final String MAIN_CLASS = "dev.logtocp.processor.Main";

    private final Map<String, String> sharedEnv;
    private final Path logDir;
    private final Process[] slots;
    private final Thread shutdownHook;
    private int kills;

    ProcessorFleet(int size, Map<String, String> sharedEnv, Path logDir) {
        this.sharedEnv = Map.copyOf(sharedEnv);
        this.logDir = logDir;
        this.slots = new Process[size];
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.shutdownHook = new Thread(this::destroyAll, "chaos-fleet-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts every slot that is not running. */
    void startAll() {
        for (int i = 0; i < slots.length; i++) {
            start(i);
        }
    }

    /** Starts slot {@code i} (a new JVM with the slot's stable instance id). */
    void start(int i) {
        if (slots[i] != null && slots[i].isAlive()) {
            throw new IllegalStateException("slot " + i + " is already running");
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Small heaps and the serial collector: three of these share two cores with the brokers and the test.
        List<String> command =
                new ArrayList<>(List.of(javaBin, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // The test class path carries a logback-test.xml that silences INFO; the service's own configuration
        // is what an operator would see, and the kills are only explicable with its INFO lines.
        java.net.URL serviceLogging = ProcessorFleet.class.getClassLoader().getResource("logback.xml");
        if (serviceLogging != null) {
            command.add("-Dlogback.configurationFile=" + serviceLogging);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(i).toFile()));
        builder.environment().putAll(sharedEnv);
        builder.environment().put("PROCESSOR_INSTANCE_ID", instanceId(i));
        try {
            slots[i] = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start processor slot " + i, e);
        }
    }

    /** {@code kill -9}: no drain, no commit, no consumer-group goodbye. Waits until the process is gone. */
    void kill(int i) {
        Process p = slots[i];
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("slot " + i + " is not running; see " + logFile(i));
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("slot " + i + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted killing slot " + i, e);
        }
        kills++;
    }

    /** {@code kill -STOP}: the process freezes mid-flight (timers, sockets, heartbeats all stop) until {@link #resume}. */
    void freeze(int i) {
        signal(i, "-STOP");
    }

    /** {@code kill -CONT}: a frozen process wakes up with all its timers due at once. */
    void resume(int i) {
        signal(i, "-CONT");
    }

    private void signal(int i, String signal) {
        Process p = slots[i];
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("slot " + i + " is not running; see " + logFile(i));
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(p.pid()))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " of slot " + i + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted signalling slot " + i, e);
        }
    }

    /** Thread dumps of the running children ({@code jcmd Thread.print}), for a run that got stuck. */
    void dumpThreads() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null || !slots[i].isAlive()) {
                continue;
            }
            try {
                Process dump = new ProcessBuilder(jcmd, Long.toString(slots[i].pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(logDir.resolve("threads-" + i + "-" + System.currentTimeMillis() + ".txt")
                                .toFile())
                        .start();
                dump.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                System.out.println("cannot dump threads of slot " + i + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    int kills() {
        return kills;
    }

    boolean isAlive(int i) {
        return slots[i] != null && slots[i].isAlive();
    }

    /** Slots whose process has exited on its own (a crash we did not cause), as "slot(exit code)". */
    List<String> unexpectedExits() {
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && !slots[i].isAlive()) {
                dead.add(i + "(exit " + slots[i].exitValue() + ", see " + logFile(i) + ")");
            }
        }
        return dead;
    }

    Path logFile(int i) {
        return logDir.resolve("processor-" + i + ".log");
    }

    static String instanceId(int i) {
        return "chaos-" + i;
    }

    /** Asks every child to stop (SIGTERM drains and commits), then kills what is left. */
    @Override
    public void close() {
        for (Process p : slots) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : slots) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; it does the same thing.
        }
    }

    private void destroyAll() {
        for (Process p : slots) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
