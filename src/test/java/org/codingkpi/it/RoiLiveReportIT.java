package org.codingkpi.it;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.codingkpi.app.Importer;
import org.codingkpi.app.Pipeline;
import org.codingkpi.app.Replay;
import org.codingkpi.app.Topics;
import org.codingkpi.broker.EmbeddedKafka;
import org.codingkpi.cli.Extensions;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.metrics.Exposition;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12, the report live and as a person sees it: {@code run}'s wiring ({@link Extensions#forRun}) serves the ROI
 * report at {@code /roi} and the monthly table at {@code /roi.csv} on the metrics port, from the state {@code /metrics}
 * reads. Debian's headless chromium opens {@code /roi}: a screenshot, no console message, the headline figures of the
 * rendered page equal to the cent what {@code /metrics} publishes, and a PDF on Letter and on A4.
 *
 * <p>The screenshot, the rendered DOM and the PDFs (and their pages as PNG where poppler's pdftoppm is installed) are
 * kept in {@code target/roi-browser/} for a person to look at.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoiLiveReportIT {
    private static final int PARTITIONS = 2;
    private static final Path ARTIFACTS = Path.of("target", "roi-browser");
    private static final Duration BROWSER_DEADLINE = Duration.ofMinutes(2);
    /** A business case whose inpatient minutes are far from what the months before go-live measure. */
    private static final String ROI_YAML = """
            go_live: 2025-10-15
            coder_hourly_cost: 51.25
            rework_cost_per_denial: 97.50
            baseline:
              use: measured
              measure_months: 3
              minutes_per_encounter: { INPATIENT: 40.0, OUTPATIENT: 8.0, PROFESSIONAL: 5.0 }
              coding_denial_rate: 0.05
              days_to_payment: 40.0
            program_costs: { one_time: 60000.00, monthly: 6000.00 }
            """;
    private static final String[][] SERIES = {
            {"realized", "actual"}, {"projected", "conservative"}, {"projected", "expected"}, {"projected", "aggressive"}};
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private EmbeddedKafka kafka;
    private Pipeline pipeline;
    private Path dir;
    private Map<String, Double> metrics;
    private String html;

    @BeforeAll
    void runAHistoryThroughThePipeline() throws Exception {
        dir = Files.createTempDirectory("roi-live-it-");
        Files.createDirectories(ARTIFACTS);
        Path roi = dir.resolve("roi.yaml");
        Files.writeString(roi, ROI_YAML);
        kafka = EmbeddedKafka.start();
        PipelineConfig config = PipelineConfig.of(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                PipelineConfig.APPLICATION_ID, "roi-live-it",
                PipelineConfig.METRICS_PORT, "0",
                PipelineConfig.METRICS_BIND, "127.0.0.1",
                PipelineConfig.ROI_FILE, roi.toString(),
                StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "500"));
        kafka.createTopics(Topics.all(config), PARTITIONS);
        EventCodec codec = new EventCodec(new BundledSchemaRegistry());
        SimulatorConfig simulation = SimulatorConfig.builder().seed(5).start(Instant.parse("2025-08-01T00:00:00Z")).days(140)
                .encountersPerDay(45).goLive(Instant.parse("2025-10-08T00:00:00Z")).pilotDays(10).expansionDays(20).messy().build();
        SimulatedFeed feed = SimulatedFeed.of(simulation, config, codec);

        pipeline = Pipeline.start(config, codec, Extensions.forRun(config));
        try (Producer<byte[], byte[]> producer = Importer.producer(config)) {
            for (ProducerRecord<byte[], byte[]> r : feed.records) {
                producer.send(r);
            }
            producer.flush();
            await("every record processed").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !pipeline.failed() && Replay.processed(pipeline) >= feed.records.size());
            Replay.sendEndMarkers(producer, config, PARTITIONS);
        }
        await("the end markers processed (claims still waiting published as unknown)").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200)).until(() -> markers() >= PARTITIONS);

        // quiescent: one scrape of /metrics, then the report from the same state
        metrics = Exposition.samples(get("/metrics").body());
        HttpResponse<String> roiPage = get("/roi");
        assertThat(roiPage.statusCode()).isEqualTo(200);
        html = roiPage.body();
        Files.writeString(ARTIFACTS.resolve("roi.html"), html);
    }

    private double markers() {
        try {
            return pipeline.totals().meta("control_markers");
        } catch (RuntimeException e) {
            return 0;   // not queryable yet
        }
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        org.codingkpi.util.TempDirs.deleteRecursively(dir);
    }

    // --- the live endpoints ------------------------------------------------------------------------------

    @Test
    void roiIsServedAsHtmlWithTheHeadlineOfMetricsToTheCent() throws Exception {
        HttpResponse<String> res = get("/roi");

        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(res.body().getBytes(StandardCharsets.UTF_8)));
        XPath xpath = XPathFactory.newInstance().newXPath();
        for (String[] s : SERIES) {
            String row = "//table[@id='headline']/tbody/tr[@data-key='" + s[0] + "/" + s[1] + "']";
            assertThat(xpath.evaluate(row + "/td[@data-key='net']", doc).trim()).as("net %s", s[1]).isEqualTo(money(net(s)));
            assertThat(xpath.evaluate(row + "/td[@data-key='ratio']", doc).trim()).as("ratio %s", s[1]).isEqualTo(money(ratio(s)));
        }
    }

    @Test
    void roiCsvHasTheMonthsOfTheBenefitSeriesToTheCent() throws Exception {
        HttpResponse<String> res = get("/roi.csv");

        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        List<String> lines = res.body().lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        assertThat(header.subList(0, 3)).containsExactly("month", "k", "program_cost");
        List<String> months = new ArrayList<>();
        metrics.keySet().stream().filter(k -> k.startsWith("coding_roi_program_cost_dollars{")).forEach(k -> months.add(label(k, "month")));
        assertThat(lines).as("a header and one row per month").hasSize(months.size() + 1);
        assertThat(months).hasSizeGreaterThanOrEqualTo(3);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            String month = cells[0];
            assertThat(cells[2]).as("program cost %s", month)
                    .isEqualTo(cents(metrics.get("coding_roi_program_cost_dollars{month=\"" + month + "\"}")));
            for (String[] s : SERIES) {
                for (String c : new String[] {"labor", "denials", "cash"}) {
                    String column = s[0] + "_" + s[1] + "_" + c;
                    double published = metrics.get(ReferenceModel.key("coding_roi_benefit_dollars", "basis", s[0], "scenario", s[1],
                            "component", c, "month", month));
                    assertThat(cells[header.indexOf(column)]).as("%s %s", column, month).isEqualTo(cents(published));
                }
            }
        }
        String[] last = lines.get(lines.size() - 1).split(",");
        for (String[] s : SERIES) {
            assertThat(last[header.indexOf(s[0] + "_" + s[1] + "_cumulative_net")]).as("cumulative net %s", s[1]).isEqualTo(cents(net(s)));
        }
    }

    @Test
    void theReportShowsTheBaselineConfiguredAndMeasuredSideBySide() {
        // the business case's 40 inpatient minutes are far from what was measured: flagged
        assertThat(metrics).containsKey("coding_roi_baseline{item=\"minutes_per_encounter\",setting=\"INPATIENT\",source=\"measured\"}");
        double measured = metrics.get("coding_roi_baseline{item=\"minutes_per_encounter\",setting=\"INPATIENT\",source=\"measured\"}");
        assertThat(Math.abs(measured / 40.0 - 1)).as("measured inpatient minutes vs 40").isGreaterThan(0.2);
        String row = between(html, "<tr data-key=\"baseline.minutes_per_encounter.INPATIENT\"", "</tr>");
        assertThat(row).contains("class=\"flagged\"").contains("differs by more than 20 %")
                .contains(String.format(Locale.US, "%.2f min", measured)).contains("40.00 min");
        assertThat(html).contains("baseline.use: measured");
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/roi/other").statusCode()).isEqualTo(404);
        assertThat(get("/roix").statusCode()).isEqualTo(404);
        HttpRequest post = HttpRequest.newBuilder(uri("/roi")).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build();
        assertThat(HTTP.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    // --- as a person sees it -----------------------------------------------------------------------------

    @Test
    void chromiumRendersTheReportWithoutAConsoleMessageAndItsHeadlineEqualsMetrics() throws Exception {
        Path screenshot = ARTIFACTS.resolve("roi-screenshot.png");
        Files.deleteIfExists(screenshot);
        Browser shot = chromium("--screenshot=" + screenshot.toAbsolutePath(), "--window-size=1280,2400", "--hide-scrollbars",
                uri("/roi").toString());
        assertThat(Files.exists(screenshot)).as("screenshot written; chromium said: %s", shot.stderr).isTrue();
        assertThat(Files.size(screenshot)).as("a screenshot with something on it").isGreaterThan(50_000);
        assertThat(shot.consoleMessages()).as("console messages while rendering").isEmpty();

        Browser dom = chromium("--dump-dom", uri("/roi").toString());
        Files.writeString(ARTIFACTS.resolve("roi-rendered-dom.html"), dom.stdout);
        assertThat(dom.consoleMessages()).as("console messages while rendering").isEmpty();
        for (String[] s : SERIES) {
            String row = between(dom.stdout, "<tr data-key=\"" + s[0] + "/" + s[1] + "\">", "</tr>");
            assertThat(cell(row, "net")).as("rendered net %s", s[1]).isEqualTo(money(net(s)));
            assertThat(cell(row, "ratio")).as("rendered ratio %s", s[1]).isEqualTo(money(ratio(s)));
        }
        assertThat(cardValue(dom.stdout, "card-realized")).isEqualTo(money(net(SERIES[0])));
        assertThat(cardValue(dom.stdout, "card-expected")).isEqualTo(money(net(SERIES[2])));
    }

    @Test
    void theConsoleCheckSeesAConsoleError() throws Exception {
        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<!DOCTYPE html><html><body><p>x</p><script>console.error('deliberate');</script></body></html>");

        Browser b = chromium("--dump-dom", bad.toUri().toString());

        assertThat(b.consoleMessages()).as("the check must see what it looks for").hasSize(1);
        assertThat(b.consoleMessages().get(0)).contains("deliberate");
    }

    @Test
    void theReportPrintsOnLetterAndA4() throws Exception {
        Path letter = ARTIFACTS.resolve("roi-letter.pdf");
        Path a4 = ARTIFACTS.resolve("roi-a4.pdf");
        Files.deleteIfExists(letter);
        Files.deleteIfExists(a4);
        // chromium's default paper is Letter; A4 as a print dialog would choose it: an @page size on the same page
        Path a4Html = dir.resolve("roi-a4.html");
        Files.writeString(a4Html, html.replace("</head>", "<style>@page { size: A4; }</style>\n</head>"));

        Browser l = chromium("--print-to-pdf=" + letter.toAbsolutePath(), "--no-pdf-header-footer", uri("/roi").toString());
        Browser a = chromium("--print-to-pdf=" + a4.toAbsolutePath(), "--no-pdf-header-footer", a4Html.toUri().toString());

        for (Object[] pdf : new Object[][] {{letter, l, new double[] {612, 792}}, {a4, a, new double[] {595.3, 841.9}}}) {
            Path file = (Path) pdf[0];
            assertThat(Files.exists(file)).as("%s written; chromium said: %s", file, ((Browser) pdf[1]).stderr).isTrue();
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("%PDF-");
            int pages = count(text, "/Type /Page\\b") + count(text, "/Type/Page\\b");
            assertThat(pages).as("pages of %s", file).isBetween(2, 12);
            double[] paper = (double[]) pdf[2];   // points; chromium rounds A4 to whole pixels
            assertThat(mediaBoxes(text)).as("paper of %s", file).allSatisfy(box -> {
                String[] v = box.split(" ");
                assertThat(Double.parseDouble(v[2])).isCloseTo(paper[0], org.assertj.core.api.Assertions.within(1.5));
                assertThat(Double.parseDouble(v[3])).isCloseTo(paper[1], org.assertj.core.api.Assertions.within(1.5));
            });
            assertThat(((Browser) pdf[1]).consoleMessages()).isEmpty();
            pdfToPng(file);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private record Browser(String stdout, String stderr) {
        /** Lines chromium logs for the page's console (any level: the report has no script, so any is a fault). */
        List<String> consoleMessages() {
            return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
        }
    }

    /** Debian's chromium, headless, a fresh profile, no network beyond the page, the page's console on stderr. */
    private Browser chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-profile-");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "chromium-", ".out");
        Path err = Files.createTempFile(dir, "chromium-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(BROWSER_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within " + BROWSER_DEADLINE + ": " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("chromium exit code; stderr: %s", Files.readString(err)).isZero();
        return new Browser(Files.readString(out), Files.readString(err));
    }

    /** Pages of the PDF as PNG beside it, when poppler's pdftoppm is installed (for a person to look at). */
    private static void pdfToPng(Path pdf) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/pdftoppm"))) {
            return;
        }
        String base = pdf.toAbsolutePath().toString().replaceFirst("\\.pdf$", "");
        Process p = new ProcessBuilder("pdftoppm", "-png", "-r", "60", pdf.toAbsolutePath().toString(), base)
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static List<String> mediaBoxes(String pdf) {
        List<String> boxes = new ArrayList<>();
        Matcher m = Pattern.compile("/MediaBox\\s*\\[\\s*([^\\]]+)]").matcher(pdf);
        while (m.find()) {
            boxes.add(m.group(1).trim().replaceAll("\\s+", " "));
        }
        return boxes;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.metricsPort() + path);
    }

    private double net(String[] s) {
        return metrics.get(ReferenceModel.key("coding_roi_cumulative_net_dollars", "basis", s[0], "scenario", s[1]));
    }

    private double ratio(String[] s) {
        return metrics.get(ReferenceModel.key("coding_roi_ratio", "basis", s[0], "scenario", s[1]));
    }

    private static String between(String text, String start, String end) {
        int i = text.indexOf(start);
        assertThat(i).as("%s in the page", start).isNotNegative();
        return text.substring(i, text.indexOf(end, i));
    }

    private static String cell(String row, String key) {
        Matcher m = Pattern.compile("data-key=\"" + Pattern.quote(key) + "\">([^<]*)<").matcher(row);
        assertThat(m.find()).as("cell %s in %s", key, row).isTrue();
        return m.group(1).trim();
    }

    private static String cardValue(String dom, String id) {
        String card = between(dom, "id=\"" + id + "\"", "</div></div>");
        Matcher m = Pattern.compile("class=\"big [a-z]+\">([^<]*)<").matcher(card);
        assertThat(m.find()).as("card %s", id).isTrue();
        return m.group(1).trim();
    }

    private static String label(String sample, String label) {
        Matcher m = Pattern.compile(label + "=\"([^\"]*)\"").matcher(sample);
        return m.find() ? m.group(1) : null;
    }

    /** The report's money format: 12,345.67, never -0.00. */
    private static String money(double v) {
        String s = String.format(Locale.US, "%,.2f", v);
        return s.equals("-0.00") ? "0.00" : s;
    }

    /** The CSV's: 12345.67. */
    private static String cents(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.equals("-0.00") ? "0.00" : s;
    }
}
