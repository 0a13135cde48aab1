package org.codingkpi.observability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Runs the observability tools (promtool, amtool, docker-compose, python3, prometheus) that
 * ci-obs/install.sh installs, and reads the repository's YAML and JSON files.
 */
final class Tools {

    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();

    private Tools() {
    }

    /** The repository root: Maven runs tests there and passes it as {@code basedir}. */
    static Path repoRoot() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    static JsonNode readYaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /** The absolute path of a tool on PATH, or an AssertionError saying how to install it. */
    static String require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(tool + " is not on PATH: run ci-obs/install.sh (Debian packages "
                + "prometheus, prometheus-alertmanager, docker-compose, python3)");
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command in the repository root, stdout and stderr together, with a deadline. */
    static Result run(List<String> command, Map<String, String> env, String stdin, Duration timeout)
            throws IOException, InterruptedException {
        List<String> resolved = new java.util.ArrayList<>(command);
        resolved.set(0, require(command.get(0)));
        ProcessBuilder builder = new ProcessBuilder(resolved).directory(repoRoot().toFile())
                .redirectErrorStream(true);
        env.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        Path output = Files.createTempFile("obs-tool-", ".log");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of(), null, Duration.ofMinutes(2));
    }

    /** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-'. */
    static String anchorOf(String heading) {
        return heading.trim().toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }
}
