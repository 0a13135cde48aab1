package org.codingkpi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/coding-kpi.jar run --config FILE} as a separate OS process, its output
 * (stdout and stderr, every start) appended to one log file. The jar is the one {@code mvn verify}
 * packages before the integration tests run.
 */
final class RunProcess implements AutoCloseable {
    private final Path config;
    private final Path log;
    private Process process;
    private int starts;

    RunProcess(Path config, Path log) {
        this.config = config;
        this.log = log;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("basedir", ".")).resolve("target/coding-kpi.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn -q -B -o package -Dmaven.test.skip=true` first");
        }
        return jar;
    }

    void start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar().toString(),
                "run", "--config", config.toString()));
        // only the file configures the pipeline: no KAFKA_* or CODING_KPI_* of the build's environment
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CODING_KPI_"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        starts++;
    }

    /** SIGKILL: no shutdown hook, no commit, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pipeline process did not die on SIGKILL");
        }
    }

    /** SIGTERM and the exit code: the shutdown hook closes Kafka Streams. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pipeline process did not stop within 90 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Throws with the end of the log when the process died without being told to. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("the pipeline process exited by itself (code " + process.exitValue() + "); log ends:\n" + tail(60));
        }
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
