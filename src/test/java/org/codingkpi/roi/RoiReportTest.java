package org.codingkpi.roi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RoiReportTest {
    private final RoiResult result = new RoiCalculator(RoiFixtures.config())
            .compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME);
    private final XPath xpath = XPathFactory.newInstance().newXPath();

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private String text(Document doc, String expr) throws Exception {
        return xpath.evaluate(expr, doc).trim();
    }

    private static double number(String cell) {
        return Double.parseDouble(cell.replace(",", ""));
    }

    @Test
    void reportIsOneWellFormedFileWithTheChartAndTablesAndTheCalculatorsNumbers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("roi.html");
        RoiReport.write(result, file);
        String html = Files.readString(file);
        Document doc = parse(html);

        // chart: four series, one point per month, the last realized point is the cumulative net
        assertThat(((NodeList) xpath.evaluate("//svg[@id='cumulative-chart']", doc, XPathConstants.NODESET)).getLength())
                .isEqualTo(1);
        NodeList series = (NodeList) xpath.evaluate("//svg[@id='cumulative-chart']/g[@class='series']", doc,
                XPathConstants.NODESET);
        assertThat(series.getLength()).isEqualTo(4);
        assertThat(((Element) series.item(3)).getAttribute("data-series")).isEqualTo("realized/actual");
        assertThat(text(doc, "count(//g[@data-series='projected/expected']/circle)")).isEqualTo("4");
        assertThat(text(doc, "//svg[@id='cumulative-chart']//text[contains(., 'Realized')]")).isNotEmpty();
        assertThat(number(text(doc, "//g[@data-series='realized/actual']/circle[@data-month='2026-06']/@data-value")))
                .isCloseTo(result.cumulativeNet(RoiSeries.REALIZED), within(0.005));

        // components: a negative realized component, formatted 12,345.67
        assertThat(text(doc, "//table[@id='components']/tbody/tr[@data-month='2026-05']/td[@data-key='realized-labor']"))
                .isEqualTo("-30.00");
        assertThat(number(text(doc, "//table[@id='components']/tbody/tr[@data-month='2026-03']/td[@data-key='program-cost']")))
                .isEqualTo(result.programCost(YearMonth.of(2026, 3)));
        assertThat(text(doc, "//table[@id='components']/tbody/tr[@data-month='2026-03']/td[@data-key='program-cost']"))
                .isEqualTo("1,200.00");
        assertThat(text(doc, "count(//table[@id='components']/tbody/tr)")).isEqualTo("4");

        // headline
        assertThat(number(text(doc, "//table[@id='headline']//tr[@data-key='projected/expected']/td[@data-key='net']")))
                .isCloseTo(result.cumulativeNet(RoiSeries.EXPECTED), within(0.005));
        assertThat(text(doc, "//table[@id='headline']//tr[@data-key='realized/actual']/td[@data-key='break-even']"))
                .isEqualTo("not yet");

        // cost per coded encounter: (10,000 s at $60/h + 1,200) / 32
        assertThat(number(text(doc,
                "//table[@id='cost-per-encounter']//tr[@data-month='2026-03']/td[@data-key='cost-per-encounter']")))
                .isCloseTo(42.71, within(0.005));
        assertThat(text(doc, "//table[@id='cost-per-encounter']//tr[@data-month='2026-04']/td[@data-key='cost-per-encounter']"))
                .isEqualTo("n/a");

        // sensitivity: base case and the six assumptions of the brief
        RoiProjection projection = new RoiProjection(result);
        assertThat(number(text(doc, "//p[@id='sensitivity-base']/span[@data-key='net']")))
                .isCloseTo(projection.outcome("expected").net(), within(0.005));
        for (String key : new String[] {"baseline.minutes_per_encounter", "coder_hourly_cost",
                "baseline.coding_denial_rate", "rework_cost_per_denial", "baseline.days_to_payment",
                "scenarios.expected.ramp_months"}) {
            assertThat(text(doc, "//table[@id='sensitivity']//tr[@data-key='" + key + "']/td[@data-key='ratio-high']"))
                    .as(key).matches("-?[0-9,]+\\.\\d\\d");
        }
        assertThat(number(text(doc,
                "//table[@id='sensitivity']//tr[@data-key='coder_hourly_cost']/td[@data-key='net-high']")))
                .isCloseTo(-2440.0 + 88.8, within(0.005));

        // self-contained: no script, no external resource
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=")
                .doesNotContain("@import").doesNotContain("url(");
    }

    @Test
    void baselineIsShownConfiguredBesideMeasuredWithFlagsAndAbsentItems() throws Exception {
        Document doc = parse(RoiReport.render(result));

        // February (the window's only month with data): 1 inpatient coding of 1,000,000 s, 1 coding denial, 1 day
        String ip = "//table[@id='baseline']/tbody/tr[@data-key='baseline.minutes_per_encounter.INPATIENT']";
        assertThat(text(doc, ip + "/td[@data-key='configured']")).isEqualTo("30.00 min");
        assertThat(text(doc, ip + "/td[@data-key='measured']")).isEqualTo("16666.67 min");
        assertThat(text(doc, ip + "/@class")).isEqualTo("flagged");
        assertThat(text(doc, ip + "/td[@data-key='used']")).isEqualTo("configured");
        String op = "//table[@id='baseline']/tbody/tr[@data-key='baseline.minutes_per_encounter.OUTPATIENT']";
        assertThat(text(doc, op + "/td[@data-key='measured']")).isEqualTo("absent");
        assertThat(text(doc, op + "/td[@class='note']")).contains("no outpatient encounter coded (revision 1) in 2025-12 to 2026-02")
                .contains("absent");
        assertThat(text(doc, "//span[@id='baseline-use']")).isEqualTo("baseline.use: configured");
    }

    @Test
    void withTheMeasuredBaselineTheReportSaysTheConfiguredValueIsUsedWhereAMeasurementIsAbsent() throws Exception {
        RoiConfig measured = RoiFixtures.config().withMeasurement(new RoiConfig.Measurement(RoiConfig.BaselineUse.MEASURED, 3));
        Document doc = parse(RoiReport.render(new RoiCalculator(measured).compute(RoiFixtures.months(), RoiFixtures.STREAM_TIME)));

        String op = "//table[@id='baseline']/tbody/tr[@data-key='baseline.minutes_per_encounter.OUTPATIENT']";
        assertThat(text(doc, op + "/td[@data-key='used']")).isEqualTo("configured");
        assertThat(text(doc, op + "/td[@class='note']")).endsWith("the measured value is absent and the configured value is used.");
        String rate = "//table[@id='baseline']/tbody/tr[@data-key='baseline.coding_denial_rate']";
        assertThat(text(doc, rate + "/td[@data-key='used']")).isEqualTo("measured");
        assertThat(text(doc, "//table[@id='assumptions']//tr[@data-key='baseline.coding_denial_rate']/td")).isEqualTo("100.00 %");
    }

    @Test
    void sensitivityHasVolumePayerMixAdoptionAndTheTwoWayTable() throws Exception {
        Document doc = parse(RoiReport.render(result));

        for (String key : new String[] {"volume", "payer_mix", "adoption"}) {
            assertThat(text(doc, "//table[@id='sensitivity']//tr[@data-key='" + key + "']/td[@data-key='net-low']"))
                    .as(key).matches("-?[0-9,]+\\.\\d\\d");
        }
        assertThat(text(doc, "//table[@id='sensitivity']//tr[@data-key='adoption']/td[@data-key='net-high']")).isEqualTo("n/a");
        assertThat(text(doc, "count(//table[@id='adoption-productivity']/tbody/tr)")).isEqualTo("7");
        assertThat(text(doc, "count(//table[@id='adoption-productivity']/thead/tr/th)")).isEqualTo("6");
        assertThat(number(text(doc, "//table[@id='adoption-productivity']//td[contains(@class,'configured')]")))
                .isCloseTo(new RoiProjection(result).outcome("expected").net(), within(0.005));
        assertThat(text(doc, "//table[@id='adoption-productivity']//tr[@class='observed']/th")).isEqualTo("85.7 % (observed)");
    }

    @Test
    void csvIsTheMonthlyTableToTheCent() {
        List<String> lines = RoiReport.csv(result).lines().toList();

        assertThat(lines).hasSize(1 + 4);
        assertThat(lines.get(0)).startsWith("month,k,program_cost,realized_actual_labor,realized_actual_denials,realized_actual_cash,")
                .endsWith(",projected_aggressive_net,projected_aggressive_cumulative_net");
        assertThat(lines.get(0).split(",")).hasSize(3 + 4 * 6);
        assertThat(lines.get(1)).startsWith("2026-03,0,1200.00,160.00,100.00,50.00,310.00,-890.00,-890.00,");
        assertThat(lines.get(3)).startsWith("2026-05,2,200.00,-30.00,");
        assertThat(RoiReport.csv(result)).contains("\r\n");
        assertThat(RoiReport.csvHeader().lines().toList()).containsExactly(lines.get(0));
    }

    @Test
    void printsOnAnyPaper() {
        String html = RoiReport.render(result);
        assertThat(html).contains("@page { margin: 12mm 10mm; }").contains("@media print");
    }

    @Test
    void beforeGoLiveTheReportSaysSoAndStillParses() throws Exception {
        RoiResult early = new RoiCalculator(RoiFixtures.config())
                .compute(new TreeMap<>(), Instant.parse("2026-01-05T00:00:00Z"));
        Document doc = parse(RoiReport.render(early));
        assertThat(text(doc, "count(//svg[@id='cumulative-chart'])")).isEqualTo("0");
        assertThat(text(doc, "//p[@class='empty']")).isEqualTo("No month since go-live yet.");
        assertThat(text(doc, "count(//table[@id='components']/tbody/tr)")).isEqualTo("0");
    }

    @Test
    void longHistoriesThinTheMonthLabels() throws Exception {
        RoiResult long40 = new RoiCalculator(RoiFixtures.config())
                .compute(RoiFixtures.months(), Instant.parse("2029-06-10T00:00:00Z"));
        Document doc = parse(RoiReport.render(long40));
        assertThat(Integer.parseInt(text(doc, "count(//svg[@id='cumulative-chart']/g[@class='x-axis']/text)")))
                .isBetween(10, 16);
        assertThat(text(doc, "count(//g[@data-series='realized/actual']/circle)")).isEqualTo("40");
    }

    @Test
    void textIsEscaped() {
        assertThat(RoiReport.esc("<b class='x'>R&D \"y\"</b>"))
                .isEqualTo("&lt;b class=&#39;x&#39;&gt;R&amp;D &quot;y&quot;&lt;/b&gt;");
        assertThat(RoiReport.money(-12345.674)).isEqualTo("-12,345.67");
        assertThat(RoiReport.money(-0.001)).isEqualTo("0.00");
        assertThat(RoiReport.money(Double.NaN)).isEqualTo("n/a");
    }
}
