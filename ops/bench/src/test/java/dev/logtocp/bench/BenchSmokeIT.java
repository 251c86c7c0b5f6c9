package dev.logtocp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Keeps the benchmark from rotting: all three systems at a tiny size on one configuration. It checks that each
 * produced its outcomes and that the results were written, never how fast anything was.
 */
class BenchSmokeIT {

    @Test
    void everySystemProducesItsOutcomesAndTheResultsAreWritten() {
        Path target = Path.of("target");
        BenchMain bench = new BenchMain();
        int exit = new CommandLine(bench)
                .execute(
                        "--n",
                        "200",
                        "--concurrency",
                        "64",
                        "--latency",
                        "5",
                        "--keys",
                        "1000",
                        "--jvm-warmup",
                        "0",
                        "--paced-seconds",
                        "1",
                        "--naive-seconds",
                        "1",
                        "--out",
                        target.resolve("bench-smoke").toString(),
                        "--work-dir",
                        target.resolve("bench-smoke-work").toString());

        assertThat(exit).isZero();
        assertThat(bench.results).extracting(RunResult::system).containsExactly("processor", "peer", "naive");
        for (RunResult r : bench.results) {
            assertThat(r.complete()).as(r.system() + ": " + r.note()).isTrue();
            assertThat(r.burstCommands()).as(r.system()).isEqualTo(200);
        }
        assertThat(bench.resultDir.resolve("results.json")).exists();
        assertThat(target.resolve("bench-smoke").resolve("latest.json")).exists();
        assertThat(Files.isRegularFile(bench.resultDir.resolve("throughput.png")))
                .isTrue();
    }
}
