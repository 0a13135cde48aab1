package org.codingkpi.catalog;

import org.codingkpi.TestEvents;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.topology.KpiDriver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric catalog is the one table of what /metrics publishes: the docs, the scrape and the queries agree with it. */
class MetricCatalogTest {
    private static final Path DOC = Path.of("docs/metrics.md");
    /** Labels any query may use besides a family's own. */
    private static final Set<String> QUERY_LABELS = Set.of("job", "instance", "le", "__name__");
    private static final Pattern SELECTOR = Pattern.compile("(coding_[a-z_]+?)(_bucket|_sum|_count)?\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

    @Test
    void docsMetricsIsTheCatalog() throws IOException {
        String generated = MetricCatalog.markdown();
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).isEqualTo(generated);
    }

    @Test
    void roiFamiliesArePublishedAsCatalogued() {
        // the ROI model stays free of the catalog (the catalog depends on the KPI state, the state on the ROI sums)
        var months = new java.util.TreeMap<java.time.YearMonth, org.codingkpi.roi.RoiMonthTotals>();
        months.put(java.time.YearMonth.of(2026, 2), new org.codingkpi.roi.RoiMonthTotals());
        var result = new org.codingkpi.roi.RoiCalculator(org.codingkpi.roi.RoiConfig.defaults()).compute(months,
                java.time.Instant.parse("2026-06-01T00:00:00Z"));
        for (var g : org.codingkpi.roi.RoiMetrics.gauges(result)) {
            MetricCatalog.Family f = MetricCatalog.require(g.getMetadata().getName());
            assertThat(g.getMetadata().getHelp()).as(f.name()).isEqualTo(f.help());
            g.getDataPoints().forEach(p -> assertThat(new TreeSet<>(p.getLabels().stream().map(l -> l.getName()).toList()))
                    .as(f.name()).isEqualTo(new TreeSet<>(f.labels())));
        }
    }

    @Test
    void namesFollowPrometheusConventions() {
        for (MetricCatalog.Family f : MetricCatalog.families()) {
            assertThat(f.name()).as("name").matches("coding_[a-z0-9_]+");
            if (f.type() == MetricCatalog.Type.COUNTER) {
                assertThat(f.name()).as("counter %s", f.name()).endsWith("_total");
            } else {
                assertThat(f.name()).as("%s", f.name()).doesNotEndWith("_total");
            }
            if (!f.unit().isEmpty() && !f.unit().equals("ratio")) {
                assertThat(f.baseName()).as("%s carries its unit", f.name()).endsWith("_" + f.unit());
            }
            for (String label : f.labels()) {
                assertThat(label).as("label of %s", f.name()).doesNotContainPattern("(?i)(encounter|claim|patient|event)(_?id)?$");
            }
        }
    }

    @Test
    void scrapeHasExactlyTheCatalogLabels() {
        try (KpiDriver d = new KpiDriver()) {
            d.pipe(TestEvents.discharged("e1", TestEvents.T0).build(),
                    TestEvents.reviewed("e1", TestEvents.hours(2), org.codingkpi.events.Decision.ACCEPTED).build(),
                    TestEvents.coded("e1", TestEvents.T0, TestEvents.hours(3), 1, org.codingkpi.events.CodingMode.AI_ASSISTED).build(),
                    TestEvents.coded("e1", TestEvents.T0, TestEvents.hours(5), 2, org.codingkpi.events.CodingMode.MANUAL).build(),
                    TestEvents.denied("e1", "c1", TestEvents.days(2), TestEvents.days(9),
                            TestEvents.adj(org.codingkpi.events.AdjustmentGroup.CO, "16")).build(),
                    TestEvents.paid("e1", "c1", TestEvents.days(2), TestEvents.days(30)).build(),
                    TestEvents.discharged("e2", TestEvents.days(29)).build());
            d.pipeRaw("encounters", new byte[] {1, 2, 3});
            String text = d.scrapeText();
            for (String line : text.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String name = line.replaceAll("[{ ].*", "").replaceAll("_(bucket|sum|count)$", "");
                MetricCatalog.Family f = MetricCatalog.get(name);
                assertThat(f).as("family of %s", line).isNotNull();
                Set<String> labels = new TreeSet<>();
                Matcher m = Pattern.compile("([a-z_]+)=\"").matcher(line);
                while (m.find()) {
                    labels.add(m.group(1));
                }
                labels.remove("le");
                assertThat(labels).as(line).isEqualTo(new TreeSet<>(f.labels()));
            }
            assertThat(Exposition.samples(text)).isNotEmpty();
        }
    }

    @Test
    void dashboardsAndRulesMatchOnlyLabelsTheirMetricHas() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.walk(Path.of("grafana")), Files.walk(Path.of("prometheus")))) {
            files = s.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".yml")).toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher m = SELECTOR.matcher(text);
            while (m.find()) {
                MetricCatalog.Family f = MetricCatalog.get(m.group(1));
                if (f == null) {
                    f = MetricCatalog.get(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
                }
                if (f == null) {
                    if (m.group(1).startsWith("coding_pipeline_")) {
                        continue; // the pipeline's own Micrometer meters (latency, ready)
                    }
                    problems.add(file + ": " + m.group() + " is not a catalog metric");
                    continue;
                }
                Matcher l = MATCHER.matcher(m.group(3));
                while (l.find()) {
                    if (!f.labels().contains(l.group(1)) && !QUERY_LABELS.contains(l.group(1))) {
                        problems.add(file + ": " + m.group() + " matches label " + l.group(1) + ", which " + f.name() + " does not have");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
