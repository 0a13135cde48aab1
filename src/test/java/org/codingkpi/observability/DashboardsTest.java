package org.codingkpi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
                "coding-executive-roi", Set.of("facility", "setting", "window"),
                "coding-operations", Set.of("facility", "setting", "specialty", "window"),
                "coding-denials", Set.of("facility", "setting", "payer", "window"),
                "coding-ai-governance", Set.of("facility", "specialty", "model_version", "window"),
                "coding-pipeline-health", Set.of("instance"));

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
        assertThat(executive).contains("coding_roi_assumption{name=\\\"coder_hourly_cost\\\"}")
                .contains("coding_roi_assumption{name=\\\"rework_cost_per_denial\\\"}");
    }

    @Test
    void dashboardsAreUpToDateWithTheirGenerator() throws Exception {
        Tools.Result result = Tools.run(List.of("python3", "grafana/build_dashboards.py", "--check"),
                Map.of(), null, Duration.ofMinutes(1));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
    }

    @Test
    void everyPanelQueryAndVariableUsesTheProvisionedDatasource() {
        assertThat(datasourceUid).isEqualTo("prometheus");
        for (GrafanaDashboards.Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                String where = d.uid() + " / " + panel.path("title").asText();
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo(datasourceUid);
                panel.path("targets").forEach(t ->
                        assertThat(t.path("datasource").path("uid").asText()).as(where).isEqualTo(datasourceUid));
            }
            for (JsonNode variable : d.variables()) {
                if ("query".equals(variable.path("type").asText())) {
                    assertThat(variable.path("datasource").path("uid").asText())
                            .as(d.uid() + " $" + variable.path("name").asText()).isEqualTo(datasourceUid);
                }
            }
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
