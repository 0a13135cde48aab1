package org.codingkpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/coding-kpi} starts the JVM with the settings BENCHMARKS.md measured, the batch JIT flags
 * only for what ends by itself, and every default replaceable from the environment. A stand-in
 * {@code java} prints the command line it was given.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().resolve("bin/coding-kpi");
    private static final String JIT = "-XX:InlineSmallCode=500 -XX:MaxInlineLevel=5 -XX:FreqInlineSize=150";

    @TempDir
    Path dir;

    private Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path javaHome = dir.resolve("jdk");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        if (!Files.exists(java)) {
            Files.writeString(java, "#!/bin/sh\necho \"$*\"\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path jar = dir.resolve("coding-kpi.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "not a real jar");
        }
        ProcessBuilder b = new ProcessBuilder(new java.util.ArrayList<>(List.of(LAUNCHER.toString())));
        b.command().addAll(List.of(args));
        b.environment().put("JAVA_HOME", javaHome.toString());
        b.environment().put("CODING_KPI_JAR", jar.toString());
        b.environment().keySet().removeIf(k -> k.startsWith("CODING_KPI_") && !k.equals("CODING_KPI_JAR"));
        b.environment().putAll(env);
        b.redirectErrorStream(true);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, jar.toString());
    }

    private record Result(int exit, String out, String jar) {
    }

    @Test
    void theDefaultsAndTheBatchJitFlags() throws Exception {
        Result run = launch(Map.of(), "run", "--config", "app.properties");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("-Xmx448m -XX:+UseParallelGC -jar " + run.jar() + " run --config app.properties");

        assertThat(launch(Map.of(), "replay", "--input", "h.jsonl").out())
                .isEqualTo("-Xmx448m -XX:+UseParallelGC " + JIT + " -jar " + run.jar() + " replay --input h.jsonl");
        assertThat(launch(Map.of(), "import", "--watch", "drop", "--once").out()).contains(JIT);
        assertThat(launch(Map.of(), "simulate", "--live").out()).doesNotContain("Inline");
        assertThat(launch(Map.of(), "import", "--watch=drop").out()).doesNotContain("Inline");
        assertThat(launch(Map.of(), "demo").out()).doesNotContain("Inline");
    }

    @Test
    void everyDefaultIsReplaceableFromTheEnvironment() throws Exception {
        Result r = launch(Map.of("CODING_KPI_HEAP_OPTS", "-XX:MaxRAMPercentage=75", "CODING_KPI_GC_OPTS", "-XX:+UseG1GC",
                "CODING_KPI_JIT_OPTS", " ", "CODING_KPI_JVM_OPTS", "-Dx=1 -Dy=2"), "replay", "--input", "a b.jsonl");
        assertThat(r.out()).isEqualTo("-XX:MaxRAMPercentage=75 -XX:+UseG1GC -Dx=1 -Dy=2 -jar " + r.jar() + " replay --input a b.jsonl");
    }

    @Test
    void aMissingJarIsSaidWithHowToBuildIt() throws Exception {
        Result r = launch(Map.of("CODING_KPI_JAR", dir.resolve("nope.jar").toString()), "demo");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("no jar at").contains("mvn -B -q package -DskipTests");
    }
}
