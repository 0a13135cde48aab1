package org.codingkpi.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/** The provisioned dashboards: their panels, queries and template variables. */
final class GrafanaDashboards {

    static final Path DIRECTORY = Path.of("grafana", "provisioning", "dashboards");

    /** What Grafana's own interval variables stand for when a query is run outside Grafana. */
    static final String BUILTIN_INTERVAL = "1m";

    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)(?::\\w+)?}");

    record Dashboard(Path file, JsonNode json) {
        String uid() {
            return json.path("uid").asText();
        }

        String title() {
            return json.path("title").asText();
        }

        /** Every panel, rows' nested panels included, rows themselves excluded. */
        List<JsonNode> panels() {
            List<JsonNode> out = new ArrayList<>();
            collect(json.path("panels"), out);
            return out;
        }

        List<JsonNode> variables() {
            List<JsonNode> out = new ArrayList<>();
            json.path("templating").path("list").forEach(out::add);
            return out;
        }

        List<PanelQuery> queries() {
            List<PanelQuery> out = new ArrayList<>();
            for (JsonNode panel : panels()) {
                for (JsonNode target : panel.path("targets")) {
                    out.add(new PanelQuery(this, panel.path("title").asText(),
                            target.path("refId").asText(), target.path("expr").asText()));
                }
            }
            return out;
        }

        /**
         * The query as Prometheus would get it with every filter at "All": query variables
         * become {@code .*}, custom and text variables their current value, Grafana's interval
         * variables {@value #BUILTIN_INTERVAL}.
         */
        String expand(String expr) {
            Map<String, String> values = new HashMap<>();
            values.put("__rate_interval", BUILTIN_INTERVAL);
            values.put("__interval", BUILTIN_INTERVAL);
            values.put("__range", BUILTIN_INTERVAL);
            for (JsonNode variable : variables()) {
                String value = "query".equals(variable.path("type").asText())
                        ? ".*"
                        : variable.path("current").path("value").asText();
                values.put(variable.path("name").asText(), value);
            }
            Matcher m = VARIABLE.matcher(expr);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2);
                String value = values.get(name);
                if (value == null) {
                    throw new IllegalStateException(uid() + ": undefined variable $" + name + " in " + expr);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        private static void collect(JsonNode panels, List<JsonNode> out) {
            for (JsonNode panel : panels) {
                if ("row".equals(panel.path("type").asText())) {
                    collect(panel.path("panels"), out);
                } else {
                    out.add(panel);
                }
            }
        }
    }

    record PanelQuery(Dashboard dashboard, String panel, String refId, String expr) {
        String expanded() {
            return dashboard.expand(expr);
        }

        @Override
        public String toString() {
            return dashboard.title() + " / " + panel + " [" + refId + "]: " + expr;
        }
    }

    private GrafanaDashboards() {
    }

    static List<Dashboard> load(Path repoRoot) throws IOException {
        List<Dashboard> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(repoRoot.resolve(DIRECTORY))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(new Dashboard(file, Tools.readJson(file)));
            }
        }
        return out;
    }

    /** The names of the variables a query uses, Grafana's own ($__...) excluded. */
    static List<String> variablesUsed(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (!name.startsWith("__")) {
                out.add(name);
            }
        }
        return out;
    }
}
