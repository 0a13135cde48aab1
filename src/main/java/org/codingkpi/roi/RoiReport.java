package org.codingkpi.roi;

import org.codingkpi.events.Setting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One self-contained HTML page for a CFO: headline, the baseline configured versus measured, a chart of cumulative
 * net benefit (inline SVG, no script), benefit components by month, cost per coded encounter, the sensitivity of
 * the 12-month projected ROI of the expected scenario (assumptions, volume, payer mix, adoption, and a two-way
 * table of adoption x productivity gain), and the assumptions. No network, no JavaScript; the markup is
 * well-formed XML (XHTML syntax) so that tests and tools can parse it; it prints on A4 and Letter ({@code @page}).
 * The same page is written by {@code replay} and served live at {@code /roi}; {@link #csv} is the monthly table
 * ({@code /roi.csv}).
 *
 * <p>Stable hooks: {@code svg#cumulative-chart}, {@code table#headline}, {@code table#baseline},
 * {@code table#components}, {@code table#cost-per-encounter}, {@code table#sensitivity},
 * {@code table#adoption-productivity}, {@code table#assumptions}; rows carry {@code data-month} or
 * {@code data-key}, number cells {@code data-key}; money is written {@code 12,345.67}.
 */
public final class RoiReport {
    /** The scenario the components table and the sensitivity analysis compare with. */
    public static final RoiSeries COMPARED = RoiSeries.EXPECTED;

    private static final DateTimeFormatter STREAM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");
    private static final String[] COLORS = {"#111111", "#d97706", "#2563eb", "#16a34a"};
    private static final String[] DASHES = {"", "8 4", "", "2 4"};
    private static final RoiSeries[] DRAW_ORDER =
            {RoiSeries.CONSERVATIVE, RoiSeries.EXPECTED, RoiSeries.AGGRESSIVE, RoiSeries.REALIZED};

    private RoiReport() {
    }

    /** Writes the report (UTF-8), replacing the file. */
    public static void write(RoiResult result, Path file) throws IOException {
        write(result, RoiPayerMix.none(), file);
    }

    /** Writes the report (UTF-8), replacing the file. */
    public static void write(RoiResult result, RoiPayerMix payerMix, Path file) throws IOException {
        Files.writeString(file, render(result, payerMix), StandardCharsets.UTF_8);
    }

    public static String render(RoiResult result) {
        return render(result, RoiPayerMix.none());
    }

    private static void head(StringBuilder h) {
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>AI-assisted coding: realized versus projected ROI</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>AI-assisted coding: realized versus projected ROI</h1>\n");
    }

    /** The page before the first event: nothing to compute yet (the live endpoint serves it). */
    public static String renderNoEvents(RoiConfig config) {
        StringBuilder h = new StringBuilder(4096);
        head(h);
        h.append("<p class=\"empty\" id=\"no-events\">No event processed yet: the report appears with the first event. ")
                .append("Go-live ").append(esc(config.goLive().toString())).append(".</p>\n</body>\n</html>\n");
        return h.toString();
    }

    /** @param payerMix the payers behind the claims, for the payer-mix sensitivity ({@link RoiPayerMix#none()}: none) */
    public static String render(RoiResult result, RoiPayerMix payerMix) {
        StringBuilder h = new StringBuilder(65_536);
        RoiConfig c = result.config();
        head(h);
        h.append("<p class=\"meta\">Go-live <span id=\"go-live\">").append(esc(c.goLive().toString()))
                .append("</span> (month 0 = ").append(esc(result.goLiveMonth().toString()))
                .append("); events up to <span id=\"stream-time\">")
                .append(esc(STREAM_TIME.format(result.streamTime().atZone(ZoneOffset.UTC))))
                .append("</span>. All figures in US dollars, from the same events for every basis.</p>\n");

        headline(h, result);
        baseline(h, result.baseline());
        h.append("<section class=\"block\">\n<h2>Cumulative net benefit by month</h2>\n");
        if (result.months().isEmpty()) {
            h.append("<p class=\"empty\">No month since go-live yet.</p>\n");
        } else {
            chart(h, result);
        }
        h.append("</section>\n");
        components(h, result);
        costPerEncounter(h, result);
        sensitivity(h, result, payerMix);
        assumptions(h, c, result.baseline());
        h.append(DEFINITIONS);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    // --- sections ------------------------------------------------------------------------------------

    private static void headline(StringBuilder h, RoiResult r) {
        double realized = r.cumulativeNet(RoiSeries.REALIZED);
        double expected = r.cumulativeNet(COMPARED);
        h.append("<section id=\"summary\">\n<div class=\"cards\">\n");
        card(h, "card-realized", "Realized cumulative net", realized, r.ratio(RoiSeries.REALIZED),
                r.breakEvenMonth(RoiSeries.REALIZED));
        card(h, "card-expected", "Expected (projected) cumulative net", expected, r.ratio(COMPARED),
                r.breakEvenMonth(COMPARED));
        h.append("<div class=\"card\" id=\"card-gap\"><div class=\"label\">Realized minus expected</div>")
                .append("<div class=\"big ").append(realized - expected < 0 ? "neg" : "pos").append("\">")
                .append(money(realized - expected)).append("</div><div class=\"sub\">")
                .append(realized >= expected ? "ahead of the business case" : "behind the business case")
                .append("</div></div>\n</div>\n");
        h.append("<table id=\"headline\">\n<thead><tr><th>Basis</th><th>Scenario</th><th>Cumulative benefits</th>")
                .append("<th>Cumulative program cost</th><th>Cumulative net</th><th>ROI ratio (net / cost)</th>")
                .append("<th>Break-even month</th></tr></thead>\n<tbody>\n");
        for (RoiSeries s : RoiSeries.values()) {
            double net = r.cumulativeNet(s);
            h.append("<tr data-key=\"").append(key(s)).append("\"><td>").append(esc(s.basis())).append("</td><td>")
                    .append(esc(s.scenario())).append("</td>");
            num(h, "benefits", net + r.cumulativeProgramCost(), money(net + r.cumulativeProgramCost()));
            num(h, "program-cost", r.cumulativeProgramCost(), money(r.cumulativeProgramCost()));
            num(h, "net", net, money(net));
            num(h, "ratio", r.ratio(s), ratio(r.ratio(s)));
            h.append("<td data-key=\"break-even\">").append(esc(breakEven(r.breakEvenMonth(s)))).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void baseline(StringBuilder h, RoiBaseline b) {
        boolean measured = b.use() == RoiConfig.BaselineUse.MEASURED;
        h.append("<section id=\"baseline-section\">\n<h2>Baseline: configured versus measured</h2>\n<p class=\"note\">")
                .append("The business case stands on the baseline. Measured: the events of ").append(esc(b.windowStart().toString()))
                .append(" to ").append(esc(b.windowEnd().toString())).append(" (the ")
                .append(b.windowStart().until(b.windowEnd(), java.time.temporal.ChronoUnit.MONTHS) + 1)
                .append(" calendar months before the go-live month). <span id=\"baseline-use\">baseline.use: ")
                .append(measured ? "measured" : "configured").append("</span>: the formulas use ")
                .append(measured ? "the measured value of each item that has data, the configured value otherwise."
                        : "the configured values; the measured ones are shown for comparison.")
                .append(" An item is flagged when its measured value differs from the configured one by more than ")
                .append(Math.round(RoiBaseline.FLAG_FRACTION * 100)).append(" %.</p>\n")
                .append("<table id=\"baseline\">\n<thead><tr><th>Item</th><th>Configured</th><th>Measured</th>")
                .append("<th>Measured on</th><th>Difference</th><th>Used by the formulas</th><th>Note</th></tr></thead>\n<tbody>\n");
        for (RoiBaseline.Entry e : b.entries()) {
            h.append("<tr data-key=\"").append(esc(e.key())).append("\"").append(e.flagged() ? " class=\"flagged\"" : "")
                    .append("><td>").append(esc(itemTitle(e))).append("</td>");
            num(h, "configured", e.configured(), baselineValue(e, e.configured()));
            if (e.isMeasured()) {
                num(h, "measured", e.measured(), baselineValue(e, e.measured()));
                h.append("<td class=\"num\" data-key=\"sample\">").append(esc(sample(e))).append("</td>");
                double d = e.relativeDifference();
                num(h, "difference", d, Double.isNaN(d) ? "n/a" : String.format(Locale.US, "%+.1f %%", d * 100));
            } else {
                h.append("<td class=\"absent\" data-key=\"measured\">absent</td><td data-key=\"sample\">no data</td>")
                        .append("<td data-key=\"difference\"></td>");
            }
            h.append("<td data-key=\"used\">").append(e.usesMeasured() ? "measured" : "configured").append("</td><td class=\"note\">");
            if (e.flagged()) {
                h.append("<strong class=\"flag\">differs by more than ").append(Math.round(RoiBaseline.FLAG_FRACTION * 100))
                        .append(" %</strong>: check the business case. ");
            }
            if (!e.isMeasured()) {
                h.append("no ").append(esc(noDataWhat(e))).append(" in ").append(esc(b.windowStart().toString())).append(" to ")
                        .append(esc(b.windowEnd().toString())).append(": the measured value is absent")
                        .append(measured ? " and the configured value is used" : "").append('.');
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static String itemTitle(RoiBaseline.Entry e) {
        return switch (e.item()) {
            case MINUTES_PER_ENCOUNTER -> "Coder minutes per encounter, " + e.setting().name().toLowerCase(Locale.ROOT);
            case CODING_DENIAL_RATE -> "Coding denial rate";
            case DAYS_TO_PAYMENT -> "Days to payment (dollar-weighted)";
        };
    }

    private static String baselineValue(RoiBaseline.Entry e, double v) {
        return switch (e.item()) {
            case MINUTES_PER_ENCOUNTER -> String.format(Locale.US, "%.2f min", v);
            case CODING_DENIAL_RATE -> String.format(Locale.US, "%.2f %%", v * 100);
            case DAYS_TO_PAYMENT -> String.format(Locale.US, "%.2f days", v);
        };
    }

    private static String sample(RoiBaseline.Entry e) {
        return switch (e.item()) {
            case MINUTES_PER_ENCOUNTER -> String.format(Locale.US, "%,.0f encounters", e.sample());
            case CODING_DENIAL_RATE -> String.format(Locale.US, "%,.0f first adjudications", e.sample());
            case DAYS_TO_PAYMENT -> "$" + money(e.sample()) + " paid";
        };
    }

    private static String noDataWhat(RoiBaseline.Entry e) {
        return switch (e.item()) {
            case MINUTES_PER_ENCOUNTER -> e.setting().name().toLowerCase(Locale.ROOT) + " encounter coded (revision 1)";
            case CODING_DENIAL_RATE -> "first adjudication";
            case DAYS_TO_PAYMENT -> "payment with a known submission time";
        };
    }

    private static void card(StringBuilder h, String id, String label, double net, double ratio,
                             Optional<YearMonth> breakEven) {
        h.append("<div class=\"card\" id=\"").append(id).append("\"><div class=\"label\">").append(esc(label))
                .append("</div><div class=\"big ").append(net < 0 ? "neg" : "pos").append("\">").append(money(net))
                .append("</div><div class=\"sub\">ROI ratio ").append(ratio(ratio))
                .append(" &#183; break-even ").append(esc(breakEven(breakEven))).append("</div></div>\n");
    }

    private static void chart(StringBuilder h, RoiResult r) {
        List<RoiMonth> months = r.months();
        int n = months.size();
        double w = 880, ht = 420, left = 96, right = 24, top = 20, bottom = 320;
        double min = 0, max = 0;
        for (RoiMonth m : months) {
            for (RoiSeries s : RoiSeries.values()) {
                min = Math.min(min, m.cumulativeNet(s));
                max = Math.max(max, m.cumulativeNet(s));
            }
        }
        if (max - min < 1e-9) {
            max = 1;
            min = -1;
        }
        double step = niceStep((max - min) / 6);
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        double plotW = w - left - right;
        XScale x = i -> n == 1 ? left + plotW / 2 : left + i * plotW / (n - 1);
        YScale y = v -> bottom - (v - lo) / (hi - lo) * (bottom - top);

        h.append("<svg id=\"cumulative-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(fmt(w))
                .append("\" height=\"").append(fmt(ht)).append("\" viewBox=\"0 0 ").append(fmt(w)).append(' ')
                .append(fmt(ht)).append("\" role=\"img\" aria-labelledby=\"chart-title\">\n")
                .append("<title id=\"chart-title\">Cumulative net benefit by month, realized versus scenarios</title>\n");
        // y grid and labels
        h.append("<g class=\"y-axis\">\n");
        for (double v = lo; v <= hi + step / 2; v += step) {
            double yy = y.at(v);
            h.append("<line x1=\"").append(fmt(left)).append("\" x2=\"").append(fmt(w - right)).append("\" y1=\"")
                    .append(fmt(yy)).append("\" y2=\"").append(fmt(yy)).append("\" class=\"")
                    .append(Math.abs(v) < step / 2 ? "zero" : "grid").append("\"/>\n");
            h.append("<text x=\"").append(fmt(left - 8)).append("\" y=\"").append(fmt(yy + 4))
                    .append("\" text-anchor=\"end\">").append(esc(compact(Math.abs(v) < step / 2 ? 0 : v))).append("</text>\n");
        }
        h.append("<text x=\"16\" y=\"").append(fmt((top + bottom) / 2)).append("\" transform=\"rotate(-90 16 ")
                .append(fmt((top + bottom) / 2)).append(")\" text-anchor=\"middle\">Cumulative net benefit (USD)</text>\n")
                .append("</g>\n");
        // x axis and labels
        int every = Math.max(1, (int) Math.ceil(n / 12.0));
        h.append("<g class=\"x-axis\">\n<line x1=\"").append(fmt(left)).append("\" x2=\"").append(fmt(w - right))
                .append("\" y1=\"").append(fmt(bottom)).append("\" y2=\"").append(fmt(bottom)).append("\" class=\"axis\"/>\n");
        for (int i = 0; i < n; i++) {
            if (i % every == 0) {
                h.append("<text x=\"").append(fmt(x.at(i))).append("\" y=\"").append(fmt(bottom + 18))
                        .append("\" text-anchor=\"middle\">").append(esc(months.get(i).month().toString())).append("</text>\n");
            }
        }
        h.append("<text x=\"").append(fmt(left + plotW / 2)).append("\" y=\"").append(fmt(bottom + 40))
                .append("\" text-anchor=\"middle\">Month (k = 0 is the go-live month)</text>\n</g>\n");
        // series, realized drawn last so that it stays on top
        for (RoiSeries s : DRAW_ORDER) {
            int i0 = s.ordinal();
            h.append("<g class=\"series\" data-series=\"").append(key(s)).append("\">\n<polyline fill=\"none\" stroke=\"")
                    .append(COLORS[i0]).append("\" stroke-width=\"").append(s.isRealized() ? "3" : "2").append('"');
            if (!DASHES[i0].isEmpty()) {
                h.append(" stroke-dasharray=\"").append(DASHES[i0]).append('"');
            }
            h.append(" points=\"");
            for (int i = 0; i < n; i++) {
                h.append(i == 0 ? "" : " ").append(fmt(x.at(i))).append(',').append(fmt(y.at(months.get(i).cumulativeNet(s))));
            }
            h.append("\"/>\n");
            for (int i = 0; i < n; i++) {
                double v = months.get(i).cumulativeNet(s);
                h.append("<circle cx=\"").append(fmt(x.at(i))).append("\" cy=\"").append(fmt(y.at(v)))
                        .append("\" r=\"3\" fill=\"").append(COLORS[i0]).append("\" data-month=\"")
                        .append(months.get(i).month()).append("\" data-value=\"").append(String.format(Locale.US, "%.2f", v))
                        .append("\"><title>").append(esc(s.title() + ", " + months.get(i).month() + ": " + money(v)))
                        .append("</title></circle>\n");
            }
            h.append("</g>\n");
        }
        // legend
        h.append("<g class=\"legend\">\n");
        double lx = left;
        for (RoiSeries s : RoiSeries.values()) {
            int i0 = s.ordinal();
            h.append("<line x1=\"").append(fmt(lx)).append("\" x2=\"").append(fmt(lx + 28)).append("\" y1=\"")
                    .append(fmt(ht - 24)).append("\" y2=\"").append(fmt(ht - 24)).append("\" stroke=\"").append(COLORS[i0])
                    .append("\" stroke-width=\"").append(s.isRealized() ? "3" : "2").append('"');
            if (!DASHES[i0].isEmpty()) {
                h.append(" stroke-dasharray=\"").append(DASHES[i0]).append('"');
            }
            h.append("/>\n<text x=\"").append(fmt(lx + 34)).append("\" y=\"").append(fmt(ht - 20)).append("\">")
                    .append(esc(s.title())).append("</text>\n");
            lx += 190;
        }
        h.append("</g>\n</svg>\n");
    }

    private static void components(StringBuilder h, RoiResult r) {
        RoiSeries[] shown = {RoiSeries.REALIZED, COMPARED};
        h.append("<section class=\"block\">\n<h2>Benefit components by month: realized versus expected</h2>\n<table id=\"components\">\n<thead>\n")
                .append("<tr><th rowspan=\"2\">Month</th><th rowspan=\"2\">k</th>");
        for (RoiSeries s : shown) {
            h.append("<th colspan=\"4\">").append(esc(s.title())).append("</th>");
        }
        h.append("<th rowspan=\"2\">Program cost</th><th colspan=\"2\">Net of the month</th>")
                .append("<th colspan=\"2\">Cumulative net</th></tr>\n<tr>");
        for (RoiSeries ignored : shown) {
            h.append("<th>Labor</th><th>Denials</th><th>Cash</th><th>Total</th>");
        }
        h.append("<th>Realized</th><th>Expected</th><th>Realized</th><th>Expected</th></tr>\n</thead>\n<tbody>\n");
        for (RoiMonth m : r.months()) {
            h.append("<tr data-month=\"").append(m.month()).append("\"><td>").append(m.month()).append("</td><td>")
                    .append(m.k()).append("</td>");
            for (RoiSeries s : shown) {
                for (RoiComponent c : RoiComponent.values()) {
                    num(h, s.basis() + "-" + c.label(), m.benefit(s, c), money(m.benefit(s, c)));
                }
                num(h, s.basis() + "-total", m.totalBenefit(s), money(m.totalBenefit(s)));
            }
            num(h, "program-cost", m.programCost(), money(m.programCost()));
            for (RoiSeries s : shown) {
                num(h, s.basis() + "-net", m.net(s), money(m.net(s)));
            }
            for (RoiSeries s : shown) {
                num(h, s.basis() + "-cumulative-net", m.cumulativeNet(s), money(m.cumulativeNet(s)));
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void costPerEncounter(StringBuilder h, RoiResult r) {
        h.append("<section class=\"block\">\n<h2>Cost per coded encounter</h2>\n<p class=\"note\">(coder time of all revisions and modes x ")
                .append("hourly cost + program cost) / encounters coded (revision 1). The baseline column prices the ")
                .append("same month's encounters at the baseline minutes, without the program.</p>\n")
                .append("<table id=\"cost-per-encounter\">\n<thead><tr><th>Month</th><th>Coded encounters</th>")
                .append("<th>Coder hours</th><th>Coder labor cost</th><th>Program cost</th>")
                .append("<th>Cost per coded encounter</th><th>Baseline cost per coded encounter</th></tr></thead>\n<tbody>\n");
        for (RoiMonth m : r.months()) {
            h.append("<tr data-month=\"").append(m.month()).append("\"><td>").append(m.month()).append("</td>");
            num(h, "coded", m.revision1Codings(), String.format(Locale.US, "%,.0f", m.revision1Codings()));
            double hours = m.totals().codingSecondsAll() / 3600.0;
            num(h, "coder-hours", hours, money(hours));
            num(h, "coder-cost", m.coderLaborCost(), money(m.coderLaborCost()));
            num(h, "program-cost", m.programCost(), money(m.programCost()));
            num(h, "cost-per-encounter", m.costPerCodedEncounter(), money(m.costPerCodedEncounter()));
            num(h, "baseline-cost-per-encounter", m.baselineCostPerCodedEncounter(), money(m.baselineCostPerCodedEncounter()));
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void sensitivity(StringBuilder h, RoiResult r, RoiPayerMix payerMix) {
        RoiProjection p = new RoiProjection(r, payerMix);
        RoiProjection.Outcome base = p.outcome(COMPARED.scenario());
        h.append("<h2>Sensitivity: 12-month projected ROI of the expected scenario</h2>\n<p class=\"note\">")
                .append("Months k = 0 to 11 from go-live, projected formulas of the expected scenario. Volumes: ")
                .append(esc(p.volumeBasis())).append(". Each row moves one assumption by 20 % down and up, ")
                .append("all others as configured; volume, payer mix and adoption as defined in the notes.</p>\n")
                .append("<p id=\"sensitivity-base\">As configured: 12-month net <span class=\"num\" data-key=\"net\">")
                .append(money(base.net())).append("</span>, ROI ratio <span class=\"num\" data-key=\"ratio\">")
                .append(ratio(base.ratio())).append("</span>, on a 12-month program cost of ")
                .append(money(base.programCost())).append(".</p>\n<table id=\"sensitivity\">\n<thead>\n")
                .append("<tr><th rowspan=\"2\">Assumption</th><th rowspan=\"2\">Configured</th>")
                .append("<th colspan=\"3\">-20 %</th><th colspan=\"3\">+20 %</th><th rowspan=\"2\">Note</th></tr>\n")
                .append("<tr><th>Value</th><th>12-month net</th><th>ROI ratio</th>")
                .append("<th>Value</th><th>12-month net</th><th>ROI ratio</th></tr>\n</thead>\n<tbody>\n");
        for (RoiProjection.Row row : p.sensitivity(COMPARED.scenario())) {
            h.append("<tr data-key=\"").append(esc(row.key())).append("\"><td>").append(esc(row.label()))
                    .append("</td><td>").append(esc(row.baseValue())).append("</td><td>").append(esc(row.lowValue()))
                    .append("</td>");
            num(h, "net-low", row.low().net(), money(row.low().net()));
            num(h, "ratio-low", row.low().ratio(), ratio(row.low().ratio()));
            h.append("<td>").append(esc(row.highValue())).append("</td>");
            double highNet = row.high() == null ? Double.NaN : row.high().net();
            double highRatio = row.high() == null ? Double.NaN : row.high().ratio();
            num(h, "net-high", highNet, money(highNet));
            num(h, "ratio-high", highRatio, ratio(highRatio));
            h.append("<td class=\"note\">").append(esc(row.note())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        twoWay(h, p.twoWay(COMPARED.scenario()));
    }

    private static void twoWay(StringBuilder h, RoiProjection.TwoWay t) {
        h.append("<section class=\"block\">\n<h3>12-month net of the expected scenario by adoption and productivity gain</h3>\n<p class=\"note\">")
                .append("Rows: adoption, the share of encounters coded with AI once the ramp is complete (the business case ")
                .append("assumes 100 %). Columns: the scenario's productivity gain. Every other assumption as configured. ")
                .append("Outlined: the business case as configured.");
        if (t.observedRow() >= 0) {
            h.append(" Marked \"observed\": the AI share of encounters coded since go-live.");
        }
        h.append("</p>\n<table id=\"adoption-productivity\">\n<thead><tr><th>Adoption \\ productivity gain</th>");
        for (double g : t.gains()) {
            h.append("<th class=\"num\">").append(String.format(Locale.US, "%.1f %%", g * 100)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < t.adoptions().size(); i++) {
            double a = t.adoptions().get(i);
            h.append("<tr data-key=\"").append(String.format(Locale.US, "%.4f", a)).append("\"")
                    .append(i == t.observedRow() ? " class=\"observed\"" : "").append("><th>")
                    .append(String.format(Locale.US, "%.1f %%", a * 100)).append(i == t.observedRow() ? " (observed)" : "")
                    .append("</th>");
            for (int j = 0; j < t.gains().size(); j++) {
                double net = t.net()[i][j];
                boolean configured = i == t.configuredRow() && j == t.configuredColumn();
                h.append("<td class=\"num").append(net < 0 ? " neg" : "").append(configured ? " configured" : "")
                        .append("\" data-key=\"").append(String.format(Locale.US, "%.4f", t.gains().get(j))).append("\">")
                        .append(money(net)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void assumptions(StringBuilder h, RoiConfig c, RoiBaseline b) {
        h.append("<section class=\"block\">\n<h2>Assumptions (ROI configuration)</h2>\n<p class=\"note\">Baseline values as the formulas used them ")
                .append("(baseline.use: ").append(b.use().label()).append("; the table above shows both).</p>\n")
                .append("<table id=\"assumptions\">\n<tbody>\n");
        kv(h, "go_live", c.goLive().toString());
        kv(h, "coder_hourly_cost", money(c.coderHourlyCost()));
        kv(h, "rework_cost_per_denial", money(c.reworkCostPerDenial()));
        kv(h, "cost_of_capital_annual", String.format(Locale.US, "%.2f %%", c.costOfCapitalAnnual() * 100));
        for (Setting s : Setting.values()) {
            kv(h, "baseline.minutes_per_encounter." + s.name(),
                    String.format(Locale.US, "%.2f", c.baseline().minutesPerEncounter().get(s)));
        }
        kv(h, "baseline.coding_denial_rate", String.format(Locale.US, "%.2f %%", c.baseline().codingDenialRate() * 100));
        kv(h, "baseline.days_to_payment", String.format(Locale.US, "%.2f", c.baseline().daysToPayment()));
        kv(h, "baseline.use", b.use().label());
        kv(h, "baseline.measure_months", String.valueOf(c.measurement().measureMonths()));
        kv(h, "program_costs.one_time", money(c.programCosts().oneTime()));
        kv(h, "program_costs.monthly", money(c.programCosts().monthly()));
        c.scenarios().forEach((name, s) -> kv(h, "scenarios." + name, String.format(Locale.US,
                "productivity gain %.0f %%, denial reduction %.0f %%, days reduction %.1f, ramp %s months",
                s.productivityGain() * 100, s.denialReduction() * 100, s.daysReduction(), fmt(s.rampMonths()))));
        h.append("</tbody>\n</table>\n</section>\n");
    }

    // --- CSV ---------------------------------------------------------------------------------------------

    /**
     * The monthly table as CSV (RFC 4180, comma, header row, '.' decimals, no thousands separator, unrounded to
     * the cent: 2 decimals): month, k, program cost, then for each series its labor, denials, cash, total benefit,
     * net of the month and cumulative net.
     */
    public static String csv(RoiResult r) {
        StringBuilder b = new StringBuilder(8192);
        b.append("month,k,program_cost");
        for (RoiSeries s : RoiSeries.values()) {
            String p = s.basis() + "_" + s.scenario();
            for (RoiComponent c : RoiComponent.values()) {
                b.append(',').append(p).append('_').append(c.label());
            }
            b.append(',').append(p).append("_total,").append(p).append("_net,").append(p).append("_cumulative_net");
        }
        b.append("\r\n");
        for (RoiMonth m : r.months()) {
            b.append(m.month()).append(',').append(m.k()).append(',').append(cents(m.programCost()));
            for (RoiSeries s : RoiSeries.values()) {
                for (RoiComponent c : RoiComponent.values()) {
                    b.append(',').append(cents(m.benefit(s, c)));
                }
                b.append(',').append(cents(m.totalBenefit(s))).append(',').append(cents(m.net(s))).append(',')
                        .append(cents(m.cumulativeNet(s)));
            }
            b.append("\r\n");
        }
        return b.toString();
    }

    /** The CSV header alone (before the first event). */
    public static String csvHeader() {
        return csv(new RoiResult(RoiConfig.defaults(), RoiConfig.defaults(),
                RoiBaseline.measure(RoiConfig.defaults(), new java.util.TreeMap<>()), java.time.Instant.EPOCH, List.of()));
    }

    private static String cents(double v) {
        return String.format(Locale.ROOT, "%.2f", Math.abs(v) < 0.005 ? 0.0 : v);
    }

    // --- helpers -------------------------------------------------------------------------------------

    private interface XScale {
        double at(int i);
    }

    private interface YScale {
        double at(double v);
    }

    private static void kv(StringBuilder h, String key, String value) {
        h.append("<tr data-key=\"").append(esc(key)).append("\"><th>").append(esc(key)).append("</th><td>")
                .append(esc(value)).append("</td></tr>\n");
    }

    private static void num(StringBuilder h, String key, double value, String text) {
        h.append("<td class=\"num").append(value < 0 ? " neg" : "").append("\" data-key=\"").append(esc(key))
                .append("\">").append(esc(text)).append("</td>");
    }

    private static String key(RoiSeries s) {
        return s.basis() + "/" + s.scenario();
    }

    private static String breakEven(Optional<YearMonth> month) {
        return month.map(Object::toString).orElse("not yet");
    }

    /** Dollars as {@code -12,345.67}; {@code n/a} for NaN. */
    static String money(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return String.format(Locale.US, "%,.2f", Math.abs(v) < 0.005 ? 0.0 : v);   // never "-0.00"
    }

    static String ratio(double v) {
        return money(v);
    }

    /** Axis labels: 250k, 1.5M. */
    private static String compact(double v) {
        double a = Math.abs(v);
        String sign = v < 0 ? "-" : "";
        if (a >= 1e6) {
            return sign + trim(a / 1e6) + "M";
        }
        if (a >= 1e3) {
            return sign + trim(a / 1e3) + "k";
        }
        return sign + trim(a);
    }

    private static String trim(double v) {
        String s = String.format(Locale.US, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static double niceStep(double raw) {
        double exp = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / exp;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * exp;
    }

    private static String fmt(double v) {
        return trim(v);
    }

    /** Escapes text for element content and attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 24px; max-width: 1280px; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            .meta, .note { color: #555; font-size: 13px; }
            .cards { display: flex; gap: 16px; margin: 16px 0; flex-wrap: wrap; }
            .card { border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; min-width: 240px; }
            .card .label { font-size: 13px; color: #555; }
            .card .big { font-size: 26px; font-weight: 600; margin: 4px 0; }
            .card .sub { font-size: 13px; color: #333; }
            .pos { color: #15803d; }
            .neg { color: #b91c1c; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
            th, td { border: 1px solid #e5e5e5; padding: 4px 8px; }
            th { background: #f6f6f6; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            #sensitivity-base span { font-weight: 600; }
            svg text { font-size: 12px; fill: #333; }
            svg line.grid { stroke: #eee; }
            svg line.zero { stroke: #888; stroke-width: 1.5; }
            svg line.axis { stroke: #888; }
            h3 { font-size: 15px; margin-top: 20px; }
            tr.flagged td, tr.flagged th { background: #fef3c7; }
            .flag { color: #b45309; }
            td.absent { color: #777; font-style: italic; }
            td.configured { outline: 2px solid #2563eb; outline-offset: -2px; font-weight: 600; }
            tr.observed th, tr.observed td { background: #eef2ff; }
            svg#cumulative-chart { max-width: 100%; height: auto; }
            @page { margin: 12mm 10mm; }
            @media print {
              body { margin: 0; max-width: none; font-size: 10px; }
              h1 { font-size: 17px; }
              h2 { font-size: 13px; margin-top: 14px; break-after: avoid; page-break-after: avoid; }
              h3 { font-size: 12px; break-after: avoid; page-break-after: avoid; }
              .meta, .note { font-size: 9px; }
              .cards { gap: 8px; margin: 8px 0; }
              .card { min-width: 0; flex: 1; padding: 6px 8px; }
              .card .big { font-size: 16px; }
              .card .label, .card .sub { font-size: 9px; }
              table { font-size: 7.5px; width: 100%; }
              th, td { padding: 2px 3px; }
              td.num { white-space: nowrap; }
              tr, svg, section.block, #summary { break-inside: avoid; page-break-inside: avoid; }
              thead { display: table-header-group; }
              svg#cumulative-chart { width: 100%; height: auto; }
              * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            }
            """;

    private static final String DEFINITIONS = """
            <h2>Definitions</h2>
            <ul class="note">
            <li>Realized benefits count only the work done in AI modes (AI-assisted and autonomous), against the baseline: \
            labor = (baseline minutes of AI-mode encounters - coder time actually spent on them) x hourly cost; \
            denials = (baseline coding denial rate x AI-mode first adjudications - their coding denials) x rework cost; \
            cash = (baseline days - actual days to payment) x paid dollars x cost of capital / 365. They can be negative.</li>
            <li>Projected benefits apply each scenario's gains, ramped in over ramp_months, to all encounters and claims of the month.</li>
            <li>Program cost = monthly cost, plus the one-time cost in the go-live month; every month from go-live on carries it.</li>
            <li>ROI ratio = cumulative net benefit / cumulative program cost; break-even = first month whose cumulative net is at least 0.</li>
            <li>A month is a calendar month (UTC) of event time; the month of stream time is still open.</li>
            </ul>
            """;
}
