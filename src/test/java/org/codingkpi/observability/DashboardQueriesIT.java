package org.codingkpi.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The dashboards and rules against a real Prometheus (Debian's {@code prometheus}) scraping a
 * running pipeline: {@code bin/coding-kpi demo} (embedded broker + simulator in
 * compressed time, {@link #DEMO_OPTIONS}). Prometheus gets the project's rules and scrapes every
 * second.
 *
 * <p>Every panel query of every dashboard, with its filters at "All" (job and instance
 * included), must parse and return at least one series, and so must every recording rule (those
 * over an hourly subquery once a clock hour has passed). The only exceptions are queries that
 * read a gauge of {@link #AFTER_BASELINE} while Prometheus has no series of it at all: those
 * gauges appear once the pipeline has seen a whole baseline period in stream time, which a busy
 * machine may not reach within the test's minutes.
 *
 * <p>{@code -Dobs.metrics.target=HOST:PORT} scrapes an already running pipeline instead of
 * starting the demo (e.g. the docker-compose one).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesIT {

    /**
     * Families a panel may find empty: the KPIS.md §5 drift gauges, published once a baseline period
     * has passed in stream time; and the version-2 auditors' counters that the demo's feed makes
     * rarely or never (QA audits come a few percent of codings at a time; autonomous codings that a
     * mandatory-review rule forbids: only the oversight-breach scenario makes them).
     */
    static final Set<String> AFTER_BASELINE = Set.of(
            "coding_em_level_share",
            "coding_em_level_psi",
            "coding_ai_acceptance_cusum",
            "coding_oversight_breaches_total",
            "coding_qa_audits_total",
            "coding_qa_dollar_impact_dollars_total");

    /**
     * Demo options: half a simulated day per second, so that AI go-live (30 simulated days in)
     * and the adjudication of AI-coded claims (weeks later) happen within the first minutes;
     * {@code --messy} adds duplicates and invalid records, so the dead-letter panels have data.
     */
    static final List<String> DEMO_OPTIONS = List.of("--speed", "43200", "--messy");

    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration DATA = Duration.ofMinutes(6);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path work;
    private Process pipeline;
    private Process prometheus;
    private String metricsTarget;
    private String prometheusUrl;
    private java.time.Instant prometheusStarted;

    @BeforeAll
    void startPipelineAndPrometheus() throws Exception {
        Path root = Tools.repoRoot();
        work = Files.createTempDirectory(Files.createDirectories(root.resolve("target")), "observability-it-");

        String external = System.getProperty("obs.metrics.target", "").trim();
        if (external.isEmpty()) {
            Path jar = Path.of(System.getProperty("coding.jar", root.resolve("target/coding-kpi.jar").toString()));
            assertThat(jar).as("the pipeline jar (mvn package builds it)").isRegularFile();
            int port = freePort();
            // through the launcher, as the README's first command runs the demo
            List<String> command = new ArrayList<>(List.of(root.resolve("bin/coding-kpi").toString(),
                    "demo", "--metrics-port", String.valueOf(port), "--data-dir", work.resolve("demo").toString()));
            command.addAll(DEMO_OPTIONS);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("demo.log").toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("CODING_KPI_JAR", jar.toString());
            builder.environment().put("CODING_KPI_HEAP_OPTS", "-Xmx1g");
            pipeline = builder.start();
            metricsTarget = "127.0.0.1:" + port;
        } else {
            metricsTarget = external;
        }

        int prometheusPort = freePort();
        prometheusUrl = "http://127.0.0.1:" + prometheusPort;
        Path config = work.resolve("prometheus.yml");
        Tools.YAML.writeValue(config.toFile(), Map.of(
                "global", Map.of("scrape_interval", "1s", "evaluation_interval", "1s"),
                "rule_files", AlertRulesTest.files(Path.of("prometheus", "rules"), ".yml").stream()
                        .map(f -> root.resolve(f).toString()).toList(),
                "scrape_configs", List.of(Map.of("job_name", "coding-kpi",
                        "static_configs", List.of(Map.of("targets", List.of(metricsTarget)))))));
        prometheusStarted = java.time.Instant.now();
        prometheus = new ProcessBuilder(Tools.require("prometheus"), "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn")
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("prometheus.log").toFile()).start();

        waitFor("Prometheus ready", Duration.ofSeconds(60), () -> get(prometheusUrl + "/-/ready").statusCode() == 200);
        waitFor("coding_* series scraped and events flowing", STARTUP,
                () -> !query("sum(rate(coding_events_total[1m])) > 0").isEmpty());
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (Process p : new Process[] {prometheus, pipeline}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }

    @Test
    void everyPanelQueryParsesAndReturnsASeries() throws Exception {
        List<GrafanaDashboards.PanelQuery> queries = new ArrayList<>();
        for (GrafanaDashboards.Dashboard d : GrafanaDashboards.load(Tools.repoRoot())) {
            queries.addAll(d.queries());
        }
        assertThat(queries).hasSizeGreaterThan(50);
        Set<GrafanaDashboards.PanelQuery> answered = new LinkedHashSet<>();
        Set<GrafanaDashboards.PanelQuery> excused = new LinkedHashSet<>();

        waitUntilAsserted("every panel query returns a series", DATA, () -> {
            Set<String> absent = absentBaselineGauges();
            List<String> empty = new ArrayList<>();
            excused.clear();
            for (GrafanaDashboards.PanelQuery q : queries) {
                if (answered.contains(q)) {
                    continue;
                }
                if (!query(q.expanded()).isEmpty()) {
                    answered.add(q);
                } else if (readsAnyOf(q.expr(), absent)) {
                    excused.add(q);
                } else {
                    empty.add(q + "\n    as run: " + q.expanded());
                }
            }
            assertThat(empty).as("panel queries without a series").isEmpty();
        });
        System.out.printf("%d panel queries returned data; %d read drift gauges without a series yet:%n%s%n",
                answered.size(), excused.size(), String.join("\n", excused.stream().map(q -> "  " + q).toList()));
    }

    @Test
    void everyTemplateVariableHasValues() throws Exception {
        Map<String, String> variables = new LinkedHashMap<>();
        for (GrafanaDashboards.Dashboard d : GrafanaDashboards.load(Tools.repoRoot())) {
            for (JsonNode v : d.variables()) {
                if ("query".equals(v.path("type").asText())) {
                    // as Grafana runs it with the other variables at "All"
                    variables.put(d.uid() + " $" + v.path("name").asText(), d.expand(v.path("query").path("query").asText()));
                }
            }
        }

        waitUntilAsserted("every template variable has values", DATA, () -> {
            List<String> empty = new ArrayList<>();
            for (Map.Entry<String, String> variable : variables.entrySet()) {
                // label_values(selector, label)
                java.util.regex.Matcher args = java.util.regex.Pattern.compile("^label_values\\((.*),\\s*(\\w+)\\)$")
                        .matcher(variable.getValue());
                assertThat(args.matches()).as(variable.getKey()).isTrue();
                JsonNode values = api("/api/v1/label/" + args.group(2) + "/values?match[]="
                        + URLEncoder.encode(args.group(1), StandardCharsets.UTF_8)).path("data");
                if (values.isEmpty()) {
                    empty.add(variable.getKey() + ": " + variable.getValue());
                }
            }
            assertThat(empty).as("variables without values").isEmpty();
        });
    }

    @Test
    void everyRuleEvaluatesWithoutErrorAndEveryRecordingRuleReturnsASeries() throws Exception {
        waitUntilAsserted("rules evaluated, recording rules with data", DATA, () -> {
            Set<String> absent = absentBaselineGauges();
            List<String> problems = new ArrayList<>();
            for (JsonNode group : api("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.path("name").asText();
                    if ("err".equals(rule.path("health").asText())) {
                        problems.add(name + ": " + rule.path("lastError").asText());
                    } else if ("recording".equals(rule.path("type").asText()) && query(name).isEmpty()
                            && !readsAnyOf(rule.path("query").asText(), absent)
                            && !(rule.path("query").asText().contains(":1h]") && inFirstClockHour())) {
                        problems.add(name + " has no series (" + rule.path("health").asText() + "): "
                                + rule.path("query").asText());
                    }
                }
            }
            assertThat(problems).as("rules").isEmpty();
        });
    }

    @Test
    void theScrapeHasNoPromtoolLintProblemsOnCodingFamilies() throws Exception {
        String scrape = get("http://" + metricsTarget + "/metrics").body();
        assertThat(scrape).contains("coding_events_total");
        // the end-to-end latency histogram reaches an hour: a backlog is not shown as 30 s
        assertThat(scrape).contains("coding_pipeline_event_latency_seconds_bucket{le=\"3600.0\"}");

        Tools.Result lint = Tools.run(List.of("promtool", "check", "metrics"), Map.of(), scrape, Duration.ofMinutes(1));

        List<String> codingProblems = lint.output().lines().filter(l -> l.startsWith("coding_")).toList();
        assertThat(codingProblems).as("promtool check metrics on coding_* families").isEmpty();
    }

    // -----------------------------------------------------------------------------------------

    /**
     * Rules over an hourly subquery ({@code [28d:1h]}) sample their input at full clock hours:
     * they have a series once a full clock hour has passed with their input recorded.
     */
    private boolean inFirstClockHour() {
        return !java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                .isAfter(prometheusStarted.plus(Duration.ofMinutes(2)));
    }

    /** The gauges of {@link #AFTER_BASELINE} that Prometheus has no series of yet. */
    private Set<String> absentBaselineGauges() throws Exception {
        Set<String> out = new LinkedHashSet<>();
        for (String metric : AFTER_BASELINE) {
            if (query("count(" + metric + ")").isEmpty()) {
                out.add(metric);
            }
        }
        return out;
    }

    private static boolean readsAnyOf(String expr, Set<String> metrics) {
        return metrics.stream().anyMatch(m -> expr.matches("(?s).*\\b" + m + "\\b.*"));
    }

    /** The result of an instant query; fails the test at once when Prometheus rejects the query. */
    private JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Tools.JSON.readTree(response.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("Prometheus rejected the query (" + body.path("errorType").asText()
                    + ": " + body.path("error").asText() + "): " + promql);
        }
        return body.path("data").path("result");
    }

    private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        return Tools.JSON.readTree(get(prometheusUrl + pathAndQuery).body());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void waitFor(String what, Duration deadline, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await(what).atMost(deadline).pollInterval(Duration.ofSeconds(2)).ignoreException(IOException.class)
                    .until(() -> {
                        checkProcessesAlive();
                        return condition.call();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    private void waitUntilAsserted(String what, Duration deadline, org.awaitility.core.ThrowingRunnable assertion) {
        try {
            await(what).atMost(deadline).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
                checkProcessesAlive();
                assertion.run();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    private void checkProcessesAlive() {
        if (pipeline != null && !pipeline.isAlive()) {
            throw new IllegalStateException("the demo pipeline exited with " + pipeline.exitValue() + "\n" + diagnostics());
        }
        if (prometheus != null && !prometheus.isAlive()) {
            throw new IllegalStateException("prometheus exited with " + prometheus.exitValue() + "\n" + diagnostics());
        }
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        for (String log : List.of("demo.log", "prometheus.log")) {
            Path file = work.resolve(log);
            if (Files.exists(file)) {
                try {
                    List<String> lines = Files.readAllLines(file);
                    out.append("--- last lines of ").append(file).append('\n')
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
                            .append('\n');
                } catch (IOException e) {
                    out.append("(cannot read ").append(file).append(")\n");
                }
            }
        }
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
