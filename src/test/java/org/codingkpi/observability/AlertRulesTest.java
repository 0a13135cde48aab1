package org.codingkpi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The Prometheus rules of prometheus/rules: valid, unit-tested around each for:, documented. */
class AlertRulesTest {

    private static final Path RULES = Path.of("prometheus", "rules");
    private static final Path TESTS = Path.of("prometheus", "tests");
    private static final Path RUNBOOKS = Path.of("docs", "runbooks.md");
    /** Every runbook_url starts with the one configurable base, an external label of prometheus.yml. */
    private static final String RUNBOOK_BASE = "{{ $externalLabels.runbook_base }}";

    @Test
    void theRunbookBaseIsOneAbsoluteUrlInThePrometheusConfiguration() throws Exception {
        JsonNode config = Tools.readYaml(Tools.repoRoot().resolve("prometheus/prometheus.yml"));
        String base = config.path("global").path("external_labels").path("runbook_base").asText();

        assertThat(java.net.URI.create(base).isAbsolute()).as("runbook_base " + base).isTrue();
        assertThat(base).startsWith("https://").endsWith("/runbooks.md");
        // the promtool tests render the same template with a base of their own
        for (Path file : files(TESTS, ".test.yml")) {
            for (JsonNode group : Tools.readYaml(file).path("tests")) {
                if (!group.path("alert_rule_test").isEmpty()) {
                    assertThat(group.path("external_labels").path("runbook_base").asText()).as(file + " external_labels")
                            .startsWith("https://");
                }
            }
        }
    }

    /**
     * 28-, 30- and 90-day windows come from 1-hour recordings (avg_over_time of a 1h rate, or
     * sum_over_time of a 1h increase sampled hourly), in groups evaluated less often than every
     * minute but within Prometheus's 5-minute lookback; no rule reads raw series over 28-90 days.
     */
    @Test
    void longWindowsAreBuiltFromHourlyRecordingsInGroupsWithALongerInterval() throws Exception {
        Pattern longRange = Pattern.compile("\\[(28|30|90)d(:1h)?]");
        Pattern hourly = Pattern.compile("avg_over_time\\(coding:[a-z0-9_]+:rate1h(\\{[^}]*})?\\[(28|30|90)d]\\)"
                + "|sum_over_time\\(coding:[a-z0-9_]+:increase1h(\\{[^}]*})?\\[(28|30|90)d:1h]\\)");
        int longRules = 0;
        for (Path file : files(RULES, ".yml")) {
            for (JsonNode group : Tools.readYaml(file).path("groups")) {
                String interval = group.path("interval").asText("1m");
                for (JsonNode rule : group.path("rules")) {
                    String expr = rule.path("expr").asText();
                    String name = rule.has("record") ? rule.path("record").asText() : rule.path("alert").asText();
                    if (!longRange.matcher(expr).find()) {
                        continue;
                    }
                    longRules++;
                    assertThat(longRange.matcher(hourly.matcher(expr).replaceAll("")).find())
                            .as(name + ": every 28/30/90-day range reads a 1h recording: " + expr).isFalse();
                    assertThat(minutes(interval)).as(name + " group " + group.path("name").asText() + " interval").isBetween(2L, 4L);
                }
            }
        }
        assertThat(longRules).isGreaterThanOrEqualTo(5);
        for (JsonNode rule : rules()) {
            assertThat(rule.path("expr").asText()).as(rule.toString()).doesNotContainPattern("coding_[a-z_]+(\\{[^}]*})?\\[(2[89]|30|90)d]");
        }
    }

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool", "check", "rules"));
        files(RULES, ".yml").forEach(f -> command.add(f.toString()));

        Tools.Result result = Tools.run(command, Map.of(), null, Duration.ofMinutes(1));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
        files(TESTS, ".test.yml").forEach(f -> command.add(f.toString()));

        Tools.Result result = Tools.run(command, Map.of(), null, Duration.ofMinutes(3));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
    }

    @Test
    void everyAlertHasForSeverityTeamSummaryDescriptionAndRunbook() throws Exception {
        String runbooks = Files.readString(Tools.repoRoot().resolve(RUNBOOKS));
        Set<String> anchors = new TreeSet<>();
        for (String line : runbooks.split("\n")) {
            if (line.startsWith("#")) {
                anchors.add(Tools.anchorOf(line.replaceFirst("^#+", "")));
            }
        }
        Map<String, JsonNode> alerts = alerts();
        assertThat(alerts).isNotEmpty();

        alerts.forEach((name, rule) -> {
            assertThat(rule.path("for").asText()).as(name + " for:").isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).as(name + " severity")
                    .isIn("critical", "warning", "info");
            assertThat(rule.path("labels").path("team").asText()).as(name + " team").isNotBlank();
            assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
            String runbook = rule.path("annotations").path("runbook_url").asText();
            assertThat(runbook).as(name + " runbook_url").isEqualTo(RUNBOOK_BASE + "#" + name.toLowerCase());
            assertThat(anchors).as("headings of " + RUNBOOKS).contains(name.toLowerCase());
        });
    }

    /**
     * For each alert, some test group evaluates it one evaluation interval before it fires (no
     * alert) and when it fires (an alert): the pair of cases around its for: duration.
     */
    @Test
    void everyAlertIsTestedJustBeforeAndWhenItFires() throws Exception {
        Map<String, List<String>> pairs = new HashMap<>();
        for (Path file : files(TESTS, ".test.yml")) {
            JsonNode tests = Tools.readYaml(file);
            long interval = minutes(tests.path("evaluation_interval").asText("1m"));
            for (JsonNode group : tests.path("tests")) {
                Map<String, Map<Long, Boolean>> firingAt = new HashMap<>();
                for (JsonNode c : group.path("alert_rule_test")) {
                    firingAt.computeIfAbsent(c.path("alertname").asText(), k -> new HashMap<>())
                            .put(minutes(c.path("eval_time").asText()), !c.path("exp_alerts").isEmpty());
                }
                firingAt.forEach((alert, cases) -> cases.forEach((time, firing) -> {
                    if (firing && Boolean.FALSE.equals(cases.get(time - interval))) {
                        pairs.computeIfAbsent(alert, k -> new ArrayList<>()).add(file.getFileName() + " @" + time + "m");
                    }
                }));
            }
        }

        assertThat(pairs.keySet()).as("alerts with a before/after pair").containsAll(alerts().keySet());
    }

    /** Names coding:<kpi>:<operation><window>, and every rule over raw series aggregates. */
    @Test
    void recordingRulesAreNamedAndAggregateOverInstances() throws Exception {
        Pattern name = Pattern.compile("coding:[a-z0-9_]+:[a-z0-9_]+");
        Pattern aggregation = Pattern.compile("\\b(sum|max|min|count|avg)\\b");
        for (JsonNode rule : rules()) {
            if (rule.has("record")) {
                String record = rule.path("record").asText();
                String expr = rule.path("expr").asText();
                assertThat(record).matches(name);
                boolean readsRawSeries = Pattern.compile("(?<![:\\w])(coding|kafka)_[a-z_]+").matcher(expr).find();
                if (readsRawSeries) {
                    assertThat(aggregation.matcher(expr).find()).as(record + " aggregates over instances").isTrue();
                }
            }
        }
    }

    private static Map<String, JsonNode> alerts() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode rule : rules()) {
            if (rule.has("alert")) {
                out.put(rule.path("alert").asText(), rule);
            }
        }
        return out;
    }

    private static List<JsonNode> rules() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path file : files(RULES, ".yml")) {
            for (JsonNode group : Tools.readYaml(file).path("groups")) {
                group.path("rules").forEach(out::add);
            }
        }
        return out;
    }

    static List<Path> files(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(Tools.repoRoot().resolve(directory))) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted()
                    .map(f -> Tools.repoRoot().relativize(f)).toList();
        }
    }

    /** Minutes of a Prometheus duration made of hours and minutes ("17h09m", "90m", "1h"). */
    static long minutes(String duration) {
        Matcher m = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?").matcher(duration.trim());
        if (!m.matches() || duration.isBlank()) {
            throw new IllegalArgumentException("not an hours/minutes duration: " + duration);
        }
        return (m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 60)
                + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
    }
}
