package org.codingkpi.metrics;

import org.codingkpi.kpi.Series;
import org.codingkpi.roi.RoiMonthTotals;
import org.codingkpi.kpi.ArEntry;
import org.codingkpi.kpi.DnfcEntry;
import org.codingkpi.kpi.KpiEngine;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One consistent read of the KPI state of this instance, combined over its tasks: series summed by
 * key, stream time as the maximum, label caps applied again over the union of the tasks' admitted
 * values (first {@code cap} in name order keep their name, the rest become {@code other}).
 */
public final class KpiTotals {
    static final String OTHER = "other";
    private static final String META_PREFIX = Series.META.key("");

    private final Map<String, double[]> series;
    private final List<DnfcEntry> dnfc;
    private final List<DnfcEntry> dnfb;
    private final List<ArEntry> ar;
    private final SortedMap<YearMonth, RoiMonthTotals> globalRoiMonths;
    private final long globalRoiStreamTimeMs;
    private final long streamTimeMs;
    private final Map<String, Set<String>> allowedLabels;

    private KpiTotals(Map<String, double[]> series, List<DnfcEntry> dnfc, List<DnfcEntry> dnfb, List<ArEntry> ar, long streamTimeMs,
                      Map<String, Set<String>> allowedLabels, SortedMap<YearMonth, RoiMonthTotals> globalRoiMonths,
                      long globalRoiStreamTimeMs) {
        this.globalRoiMonths = globalRoiMonths;
        this.globalRoiStreamTimeMs = globalRoiStreamTimeMs;
        this.series = series;
        this.dnfc = dnfc;
        this.dnfb = dnfb;
        this.ar = ar;
        this.streamTimeMs = streamTimeMs;
        this.allowedLabels = allowedLabels;
    }

    public static KpiTotals read(KpiState state, Map<String, Integer> labelCaps) {
        Map<String, List<double[]>> parts = new HashMap<>();
        long[] streamTime = {Long.MIN_VALUE};
        Map<String, Set<String>> admitted = new HashMap<>();
        state.forEachSeries((key, value) -> {
            Series s = Series.of(key);
            if (s == Series.META) {
                if (key.equals(Series.META.key("stream_time_ms"))) {
                    streamTime[0] = Math.max(streamTime[0], (long) value[0]);
                }
                parts.computeIfAbsent(key, k -> new ArrayList<>(2)).add(value);
            } else if (s == Series.LABEL) {
                String[] l = Series.labels(key);
                admitted.computeIfAbsent(l[0], d -> new TreeSet<>()).add(l[1]);
            } else if (s != null) {
                parts.computeIfAbsent(key, k -> new ArrayList<>(2)).add(value);
            }
        });
        // tasks' shares of a series, added in a fixed order: the same state gives the same doubles
        Map<String, double[]> sums = new HashMap<>();
        parts.forEach((key, list) -> {
            list.sort(java.util.Arrays::compare);
            double[] total = list.get(0).clone();
            for (int i = 1; i < list.size(); i++) {
                sum(total, list.get(i));
            }
            sums.put(key, total);
        });
        Map<String, Set<String>> allowed = new HashMap<>();
        admitted.forEach((dim, values) -> {
            int cap = labelCaps.getOrDefault(dim, Integer.MAX_VALUE);
            Set<String> keep = new HashSet<>();
            for (String v : values) {
                if (keep.size() >= cap) {
                    break;
                }
                keep.add(v);
            }
            allowed.put(dim, keep);
        });
        List<DnfcEntry> dnfc = new ArrayList<>();
        List<DnfcEntry> dnfb = new ArrayList<>();
        List<ArEntry> ar = new ArrayList<>();
        for (KpiEngine.Backlogs b : state.backlogs()) {
            dnfc.addAll(b.dnfc());
            dnfb.addAll(b.dnfb());
            ar.addAll(b.ar());
        }
        // the whole pipeline's ROI month sums: each task's latest totals, added up in a fixed order
        SortedMap<YearMonth, RoiMonthTotals> globalMonths = new TreeMap<>();
        long globalStreamTime = Long.MIN_VALUE;
        for (Map.Entry<String, double[]> e : new TreeMap<>(state.globalRoi()).entrySet()) {
            String month = e.getKey().substring(e.getKey().indexOf('|') + 1);
            if (month.startsWith("~")) {
                globalStreamTime = Math.max(globalStreamTime, (long) e.getValue()[0]);
            } else {
                double[] v = java.util.Arrays.copyOf(e.getValue(), RoiMonthTotals.SIZE);
                globalMonths.merge(YearMonth.parse(month), RoiMonthTotals.of(v), RoiMonthTotals::plus);
            }
        }
        return new KpiTotals(sums, dnfc, dnfb, ar, streamTime[0], allowed, globalMonths, globalStreamTime);
    }

    private static double[] sum(double[] a, double[] b) {
        double[] r = a.length >= b.length ? a : b;
        double[] o = r == a ? b : a;
        for (int i = 0; i < o.length; i++) {
            r[i] += o[i];
        }
        return r;
    }

    /** The entries of one series group, label values already capped; entries that cap onto one label set are summed. */
    public Map<List<String>, double[]> group(Series s) {
        Map<List<String>, double[]> out = new HashMap<>();
        List<String> names = s.labelNames();
        series.forEach((key, value) -> {
            if (Series.of(key) == s) {
                String[] labels = Series.labels(key);
                List<String> capped = new ArrayList<>(labels.length);
                for (int i = 0; i < labels.length; i++) {
                    capped.add(capLabel(names.get(i), labels[i]));
                }
                out.merge(capped, value.clone(), KpiTotals::sum);
            }
        });
        return out;
    }

    String capLabel(String dimension, String value) {
        Set<String> allowed = allowedLabels.get(dimension);
        return allowed == null || allowed.contains(value) ? value : OTHER;
    }

    public List<DnfcEntry> dnfc() {
        return Collections.unmodifiableList(dnfc);
    }

    /** Encounters discharged and not final billed (KPIS.md §3b). */
    public List<DnfcEntry> dnfb() {
        return Collections.unmodifiableList(dnfb);
    }

    /** Claims open in accounts receivable (KPIS.md §3b). */
    public List<ArEntry> ar() {
        return Collections.unmodifiableList(ar);
    }

    /** Stream time: the largest occurred_at processed by this instance's tasks; null before the first event. */
    public Instant streamTime() {
        return streamTimeMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(streamTimeMs);
    }

    public double meta(String name) {
        double[] v = series.get(META_PREFIX + name);
        return v == null ? 0 : v[0];
    }

    /**
     * ROI month totals of the whole pipeline (every task of every instance, from the ROI topic) when
     * this instance reads them, else of the tasks this read covers.
     */
    public SortedMap<YearMonth, RoiMonthTotals> roiMonths() {
        if (globalRoiStreamTimeMs != Long.MIN_VALUE) {
            return Collections.unmodifiableSortedMap(globalRoiMonths);
        }
        return localRoiMonths();
    }

    /** The stream time the ROI figures run to: the whole pipeline's when known, else this read's. */
    public Instant roiStreamTime() {
        return globalRoiStreamTimeMs != Long.MIN_VALUE ? Instant.ofEpochMilli(globalRoiStreamTimeMs) : streamTime();
    }

    /** ROI month totals summed over the tasks this read covers. */
    public SortedMap<YearMonth, RoiMonthTotals> localRoiMonths() {
        SortedMap<YearMonth, RoiMonthTotals> months = new TreeMap<>();
        group(Series.ROI_MONTH).forEach((labels, v) -> months.put(YearMonth.parse(labels.get(0)), RoiMonthTotals.of(v)));
        return months;
    }
}
