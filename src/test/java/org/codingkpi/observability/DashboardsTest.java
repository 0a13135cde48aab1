package org.codingkpi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The provisioned Grafana dashboards, read as Grafana reads them. That their queries return data
 * from a real pipeline is {@link DashboardQueriesIT}'s job.
 */
class DashboardsTest {

    private static List<GrafanaDashboards.Dashboard> dashboards;
    private static String datasourceUid;

    @BeforeAll
    static void load() throws Exception {
        dashboards = GrafanaDashboards.load(Tools.repoRoot());
        JsonNode datasources = Tools.readYaml(Tools.repoRoot().resolve("grafana/provisioning/datasources/prometheus.yml"));
        datasourceUid = datasources.path("datasources").get(0).path("uid").asText();
    }

    @Test
    void theFiveDashboardsAreProvisionedWithTheirFilters() {
        Map<String, Set<String>> expected = Map.of(
                "coding-executive-roi", Set.of("datasource", "job", "instance", "facility", "setting", "window"),
                "coding-operations", Set.of("datasource", "job", "instance", "facility", "setting", "specialty", "window"),
                "coding-denials", Set.of("datasource", "job", "instance", "facility", "setting", "payer", "window"),
                "coding-revenue-cycle", Set.of("datasource", "job", "instance", "facility", "setting", "payer", "window"),
                "coding-ai-governance", Set.of("datasource", "job", "instance", "facility", "specialty", "model_version", "window"),
                "coding-pipeline-health", Set.of("datasource", "job", "instance"));

        Map<String, Set<String>> actual = new java.util.HashMap<>();
        for (GrafanaDashboards.Dashboard d : dashboards) {
            Set<String> names = new HashSet<>();
            d.variables().forEach(v -> names.add(v.path("name").asText()));
            actual.put(d.uid(), names);
        }

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void noDashboardCopiesAnAssumptionOfTheRoiFileIntoAVariable() {
        // the pipeline publishes them (coding_roi_assumption{name}); a typed-in copy drifts from the ROI file
        for (GrafanaDashboards.Dashboard d : dashboards) {
            d.variables().forEach(v -> assertThat(v.path("type").asText()).as(d.uid() + " $" + v.path("name").asText())
                    .isNotIn("textbox", "constant"));
        }
        String executive = dashboards.stream().filter(d -> d.uid().equals("coding-executive-roi")).findFirst().orElseThrow()
                .panels().toString();
        assertThat(executive).contains("name=\\\"coder_hourly_cost\\\"}")
                .contains("name=\\\"rework_cost_per_denial\\\"}").contains("coding_roi_assumption{");
    }

    @Test
    void dashboardsAreUpToDateWithTheirGenerator() throws Exception {
        Tools.Result result = Tools.run(List.of("python3", "grafana/build_dashboards.py", "--check"),
                Map.of(), null, Duration.ofMinutes(1));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
    }

    /**
     * Importable into an existing Grafana: the datasource is the dashboard variable $datasource
     * (any Prometheus; the provisioned one is the default), declared in __inputs for the import
     * dialog; the browser's time zone.
     */
    @Test
    void everyPanelQueryAndVariableUsesTheDatasourceVariable() {
        assertThat(datasourceUid).isEqualTo("prometheus");
        for (GrafanaDashboards.Dashboard d : dashboards) {
            JsonNode variable = d.variables().get(0);
            assertThat(variable.path("name").asText()).as(d.uid()).isEqualTo("datasource");
            assertThat(variable.path("type").asText()).isEqualTo("datasource");
            assertThat(variable.path("query").asText()).isEqualTo("prometheus");
            assertThat(d.json().path("__inputs").toString()).as(d.uid() + " __inputs").contains("\"pluginId\":\"prometheus\"");
            assertThat(d.json().path("timezone").asText()).as(d.uid() + " time zone").isEqualTo("browser");
            for (JsonNode panel : d.panels()) {
                String where = d.uid() + " / " + panel.path("title").asText();
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}");
                panel.path("targets").forEach(t ->
                        assertThat(t.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}"));
            }
            for (JsonNode v : d.variables()) {
                if ("query".equals(v.path("type").asText())) {
                    assertThat(v.path("datasource").path("uid").asText()).as(d.uid() + " $" + v.path("name").asText())
                            .isEqualTo("${datasource}");
                }
            }
            assertThat(d.json().toString()).as(d.uid()).doesNotContain("\"uid\":\"prometheus\"");
        }
    }

    /** Another scrape of the same metrics (staging, a replay) is never summed in. */
    @Test
    void everyMetricSelectorIsScopedToTheJobAndInstance() {
        Pattern selector = Pattern.compile("\\{[^}]*}|((?:coding|kafka|jvm|process)_[a-z0-9_]+)(\\{[^}]*})?");
        Pattern grouping = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
        int selectors = 0;
        for (GrafanaDashboards.Dashboard d : dashboards) {
            List<String> exprs = new java.util.ArrayList<>();
            d.queries().forEach(q -> exprs.add(q.expr()));
            d.variables().forEach(v -> {
                if ("query".equals(v.path("type").asText()) && !"job".equals(v.path("name").asText())) {
                    exprs.add(v.path("query").path("query").asText());
                }
            });
            for (String expr : exprs) {
                Matcher m = selector.matcher(grouping.matcher(expr).replaceAll(""));
                while (m.find()) {
                    if (m.group(1) != null) {
                        selectors++;
                        assertThat(m.group(2)).as(d.uid() + ": " + m.group(1) + " in " + expr).isNotNull()
                                .contains("job=~\"$job\"");
                        if (!expr.startsWith("label_values(") || !expr.contains(", instance)")) {
                            assertThat(m.group(2)).as(d.uid() + ": " + expr).contains("instance=~\"$instance\"");
                        }
                    }
                }
            }
        }
        assertThat(selectors).isGreaterThan(100);
    }

    /** A panel none of whose queries uses a dashboard filter says which filters it ignores. */
    @Test
    void everyPanelThatIgnoresAFilterSaysSo() {
        Set<String> notFilters = Set.of("datasource", "job", "instance", "window", "coder_hourly_cost");
        int ignoring = 0;
        for (GrafanaDashboards.Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                Set<String> used = new HashSet<>();
                panel.path("targets").forEach(t -> used.addAll(GrafanaDashboards.variablesUsed(t.path("expr").asText())));
                for (JsonNode v : d.variables()) {
                    String name = v.path("name").asText();
                    if (!notFilters.contains(name) && !used.contains(name)) {
                        ignoring++;
                        assertThat(panel.path("description").asText()).as(d.uid() + " / " + panel.path("title").asText())
                                .contains("Ignores the dashboard filter").contains(v.path("label").asText());
                    }
                }
            }
        }
        assertThat(ignoring).isPositive();
    }

    /** Imported elsewhere, a dashboard cannot point at this repository's files. */
    @Test
    void noDashboardTextNamesAFile() {
        Pattern file = Pattern.compile("[\\w/.-]+\\.(md|ya?ml|py|json|properties)\\b");
        for (GrafanaDashboards.Dashboard d : dashboards) {
            assertThat(file.matcher(d.json().path("description").asText()).find()).as(d.uid()).isFalse();
            for (JsonNode panel : d.panels()) {
                String text = panel.path("title").asText() + " " + panel.path("description").asText() + " "
                        + panel.path("fieldConfig").path("defaults").path("noValue").asText();
                assertThat(file.matcher(text).find()).as(d.uid() + " / " + text).isFalse();
            }
        }
    }

    /** Every panel that shows a payer links to the Denials dashboard filtered on that payer. */
    @Test
    void payerPanelsLinkToTheDenialsDashboardFilteredOnThePayer() {
        Pattern byPayer = Pattern.compile("\\bby \\(([^)]*\\b)?payer\\b");
        int linked = 0;
        for (GrafanaDashboards.Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                boolean showsPayer = false;
                for (JsonNode t : panel.path("targets")) {
                    showsPayer |= byPayer.matcher(t.path("expr").asText()).find();
                }
                if (showsPayer) {
                    linked++;
                    assertThat(panel.path("fieldConfig").path("defaults").path("links").toString())
                            .as(d.uid() + " / " + panel.path("title").asText())
                            .contains("/d/coding-denials/").contains("var-payer=${__");
                }
            }
        }
        assertThat(linked).isGreaterThanOrEqualTo(5);
    }

    /**
     * Units never mixed on one axis: a second unit in a time series goes to its own (right) axis,
     * and every value column of a multi-query table has its own unit.
     */
    @Test
    void unitsAreNeverMixedOnOneAxis() {
        for (GrafanaDashboards.Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                String where = d.uid() + " / " + panel.path("title").asText();
                String type = panel.path("type").asText();
                for (JsonNode override : panel.path("fieldConfig").path("overrides")) {
                    String props = override.path("properties").toString();
                    if ("timeseries".equals(type) && props.contains("\"unit\"")) {
                        assertThat(props).as(where + ": a second unit on its own axis").contains("custom.axisPlacement");
                    }
                }
                if ("table".equals(type) && panel.path("targets").size() > 1) {
                    Set<String> units = new HashSet<>();
                    panel.path("fieldConfig").path("overrides").forEach(o ->
                            o.path("properties").forEach(pr -> {
                                if ("unit".equals(pr.path("id").asText())) {
                                    units.add(o.path("matcher").path("options").asText());
                                }
                            }));
                    boolean oneUnit = "currencyUSD".equals(panel.path("fieldConfig").path("defaults").path("unit").asText());
                    assertThat(oneUnit || units.size() == panel.path("targets").size())
                            .as(where + ": a unit per value column").isTrue();
                }
            }
        }
    }

    /**
     * The top denial reasons show each CARC with its description (a value mapping inside the
     * dashboard): every code of the pipeline's default CARC-to-category mapping has one.
     */
    @Test
    void denialReasonsShowEveryMappedCarcWithItsDescription() throws Exception {
        java.util.Properties categories = new java.util.Properties();
        try (var in = java.nio.file.Files.newInputStream(Tools.repoRoot()
                .resolve("src/main/resources/org/codingkpi/kpi/carc-categories.properties"))) {
            categories.load(in);
        }
        Set<String> codes = new TreeSet<>();
        categories.values().forEach(v -> {
            for (String code : v.toString().replaceAll("\\[[^]]*]", "").split(",")) {
                codes.add(code.strip());
            }
        });
        assertThat(codes).contains("16", "197", "29");

        JsonNode mapping = null;
        for (GrafanaDashboards.Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                if (d.uid().equals("coding-revenue-cycle") && panel.path("title").asText().startsWith("Top denial reasons")) {
                    assertThat(panel.path("targets").get(0).path("expr").asText()).contains("by (group, carc)");
                    for (JsonNode override : panel.path("fieldConfig").path("overrides")) {
                        if (override.path("matcher").path("options").asText().equals("carc")) {
                            mapping = override.path("properties").get(0).path("value").get(0).path("options");
                        }
                    }
                }
            }
        }
        assertThat(mapping).as("value mapping of the carc column").isNotNull();
        for (String code : codes) {
            assertThat(mapping.path(code).path("text").asText()).as("CARC " + code)
                    .startsWith(code + " ").hasSizeGreaterThan(code.length() + 10);
        }
    }

    @Test
    void everyPanelHasATitleADescriptionAndAQuery() {
        for (GrafanaDashboards.Dashboard d : dashboards) {
            assertThat(d.panels()).as(d.uid()).isNotEmpty();
            for (JsonNode panel : d.panels()) {
                String where = d.uid() + " / " + panel.path("title").asText();
                assertThat(panel.path("title").asText()).as(where).isNotBlank();
                assertThat(panel.path("description").asText()).as(where).hasSizeGreaterThan(20);
                assertThat(panel.path("targets")).as(where).isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).as(where).isNotBlank());
            }
        }
    }

    @Test
    void uidsAndPanelIdsAreUniqueAndPanelsFitTheGrid() {
        Set<String> uids = new TreeSet<>();
        for (GrafanaDashboards.Dashboard d : dashboards) {
            assertThat(uids.add(d.uid())).as("duplicate uid " + d.uid()).isTrue();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : d.json().path("panels")) {
                assertThat(ids.add(panel.path("id").asInt())).as(d.uid() + " panel id " + panel.path("id")).isTrue();
                JsonNode grid = panel.path("gridPos");
                assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(d.uid() + " " + panel.path("title"))
                        .isBetween(1, 24);
            }
        }
    }

    @Test
    void everyVariableAQueryUsesIsDefined() {
        for (GrafanaDashboards.Dashboard d : dashboards) {
            Set<String> defined = new HashSet<>();
            d.variables().forEach(v -> defined.add(v.path("name").asText()));
            for (GrafanaDashboards.PanelQuery q : d.queries()) {
                assertThat(defined).as(q.toString()).containsAll(GrafanaDashboards.variablesUsed(q.expr()));
            }
        }
    }

    @Test
    void theProviderLoadsTheDirectoryGrafanaMounts() throws Exception {
        JsonNode provider = Tools.readYaml(Tools.repoRoot().resolve("grafana/provisioning/dashboards/dashboards.yml"))
                .path("providers").get(0);
        JsonNode grafana = Tools.readYaml(Tools.repoRoot().resolve("docker-compose.yml")).path("services").path("grafana");

        assertThat(provider.path("options").path("path").asText()).isEqualTo("/etc/grafana/provisioning/dashboards");
        assertThat(grafana.path("volumes").toString()).contains("./grafana/provisioning:/etc/grafana/provisioning");
    }
}
