package org.codingkpi.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** docker-compose.yml, prometheus/prometheus.yml and alertmanager/alertmanager.yml. */
class StackConfigTest {

    /** docker-compose refuses to run without it; this value exists only for config checks. */
    private static final Map<String, String> COMPOSE_ENV = Map.of("GF_ADMIN_PASSWORD", "config-check-only");

    @Test
    void prometheusConfigAndItsRuleFilesAreValid() throws Exception {
        Tools.Result result = Tools.run("promtool", "check", "config", "prometheus/prometheus.yml");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
        assertThat(result.output()).contains("SUCCESS: 5 rule files found");
    }

    @Test
    void alertmanagerConfigIsValid() throws Exception {
        Tools.Result result = Tools.run("amtool", "check-config", "alertmanager/alertmanager.yml");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
    }

    @Test
    void alertsRouteToTheirTeamBySeverity() throws Exception {
        Map<String, String> expected = Map.of(
                "team=platform severity=critical", "platform-page",
                "team=platform severity=warning", "platform-ticket",
                "team=revenue-cycle severity=critical", "revenue-cycle-page",
                "team=revenue-cycle severity=warning", "revenue-cycle-ticket",
                "team=coding-compliance severity=warning", "coding-compliance-audit",
                "team=coding-compliance severity=info", "coding-compliance-audit");

        Map<String, String> actual = new HashMap<>();
        for (String labels : expected.keySet()) {
            List<String> command = new java.util.ArrayList<>(List.of("amtool", "config", "routes", "test",
                    "--config.file=alertmanager/alertmanager.yml"));
            command.addAll(List.of(labels.split(" ")));
            Tools.Result result = Tools.run(command, Map.of(), null, Duration.ofMinutes(1));
            actual.put(labels, result.output().lines().filter(l -> !l.startsWith("Warning:"))
                    .map(String::strip).findFirst().orElse(""));
        }

        assertThat(actual).isEqualTo(expected);
    }

    /**
     * Pages at any hour; tickets and the audit queue only in the business-hours time interval
     * (weekdays, daytime): what nobody can act on at night waits for the morning.
     */
    @Test
    void pagesGoOutAtAnyHourTicketsAndAuditsInBusinessHours() throws Exception {
        JsonNode config = Tools.readYaml(Tools.repoRoot().resolve("alertmanager/alertmanager.yml"));
        Map<String, String> expected = Map.of(
                "team=platform severity=critical", "[]",
                "team=platform severity=warning", "[business-hours]",
                "team=revenue-cycle severity=critical", "[]",
                "team=revenue-cycle severity=warning", "[business-hours]",
                "team=coding-compliance severity=warning", "[business-hours]",
                "team=coding-compliance severity=info", "[business-hours]");

        Map<String, String> actual = new HashMap<>();
        for (String labels : expected.keySet()) {
            Map<String, String> alert = new HashMap<>();
            for (String kv : labels.split(" ")) {
                alert.put(kv.split("=")[0], kv.split("=")[1]);
            }
            actual.put(labels, matchingRoute(config.path("route"), alert).path("active_time_intervals").toString()
                    .replace("\"", "").replace("[]", "[]"));
        }
        actual.replaceAll((k, v) -> v.isEmpty() ? "[]" : v);

        assertThat(actual).isEqualTo(expected);
        JsonNode business = null;
        for (JsonNode interval : config.path("time_intervals")) {
            if (interval.path("name").asText().equals("business-hours")) {
                business = interval.path("time_intervals");
            }
        }
        assertThat(business).as("time interval business-hours").isNotNull();
        assertThat(business.toString()).contains("monday:friday").doesNotContain("saturday", "sunday");
        assertThat(business.get(0).path("times").get(0).path("start_time").asText()).isNotBlank();
    }

    /**
     * Remittances arrive in daily batches: the denial alerts of the revenue-cycle rules are tickets
     * (business hours), never a page at 3 a.m. for a batch posted at night.
     */
    @Test
    void revenueCycleAlertsAreBusinessHoursTickets() throws Exception {
        JsonNode config = Tools.readYaml(Tools.repoRoot().resolve("alertmanager/alertmanager.yml"));
        Map<String, JsonNode> alerts = new HashMap<>();
        for (String file : List.of("prometheus/rules/denials.yml", "prometheus/rules/revenue-cycle.yml")) {
            for (JsonNode group : Tools.readYaml(Tools.repoRoot().resolve(file)).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("alert")) {
                        alerts.put(rule.path("alert").asText(), rule);
                    }
                }
            }
        }
        assertThat(alerts).containsKeys("CodingDenialSpike", "CodingDnfbDaysHigh", "CodingArOver90DaysHigh");
        for (String name : List.of("CodingDenialSpike", "CodingDnfbDaysHigh", "CodingArOver90DaysHigh")) {
            Map<String, String> labels = new HashMap<>();
            alerts.get(name).path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            labels.put("alertname", name);
            List<String> command = new java.util.ArrayList<>(List.of("amtool", "config", "routes", "test",
                    "--config.file=alertmanager/alertmanager.yml"));
            labels.forEach((k, v) -> command.add(k + "=" + v));
            Tools.Result result = Tools.run(command, Map.of(), null, Duration.ofMinutes(1));
            String receiver = result.output().lines().filter(l -> !l.startsWith("Warning:"))
                    .map(String::strip).findFirst().orElse("");
            assertThat(receiver).as(name + " " + labels).isEqualTo("revenue-cycle-ticket");
            assertThat(matchingRoute(config.path("route"), labels).path("active_time_intervals").toString())
                    .as(name).contains("business-hours");
        }
    }

    /** The deepest route whose equality matchers all match, as Alertmanager picks it (continue: false). */
    private static JsonNode matchingRoute(JsonNode route, Map<String, String> alert) {
        for (JsonNode child : route.path("routes")) {
            boolean matches = true;
            for (JsonNode m : child.path("matchers")) {
                String[] kv = m.asText().split("=", 2);
                matches &= kv[1].replace("\"", "").equals(alert.get(kv[0]));
            }
            if (matches) {
                return matchingRoute(child, alert);
            }
        }
        return route;
    }

    @Test
    void dockerComposeConfigIsValid() throws Exception {
        Tools.Result result = Tools.run(List.of("docker-compose", "config", "-q"), COMPOSE_ENV, null,
                Duration.ofMinutes(1));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(0);
    }

    @Test
    void dockerComposeRefusesToStartWithoutAGrafanaPassword() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GF_ADMIN_PASSWORD", null);

        Tools.Result result = Tools.run(List.of("docker-compose", "config", "-q"), env, null, Duration.ofMinutes(1));

        assertThat(result.exitCode()).isNotEqualTo(0);
        assertThat(result.output()).contains("GF_ADMIN_PASSWORD");
    }

    @Test
    void imagesArePinnedAndNoSecretIsWrittenInTheComposeFile() throws Exception {
        JsonNode services = Tools.readYaml(Tools.repoRoot().resolve("docker-compose.yml")).path("services");
        List<String> expectedServices = List.of("kafka", "kafka-init", "schema-registry", "coding-kpi",
                "feeder", "prometheus", "alertmanager", "grafana");

        assertThat(services.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrderElementsOf(expectedServices);
        services.properties().forEach(service -> {
            String image = service.getValue().path("image").asText();
            assertThat(image).as(service.getKey() + " image").matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+")
                    .doesNotEndWith(":latest");
            service.getValue().path("environment").properties().forEach(variable -> {
                if (variable.getKey().matches(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL).*")) {
                    assertThat(variable.getValue().asText()).as(service.getKey() + " " + variable.getKey())
                            .startsWith("${");
                }
            });
        });
        assertThat(services.path("coding-kpi").path("build").asText()).isEqualTo(".");
    }
}
