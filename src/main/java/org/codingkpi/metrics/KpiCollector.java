package org.codingkpi.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.codingkpi.catalog.MetricCatalog;
import org.codingkpi.kpi.Series;
import org.codingkpi.kpi.ArEntry;
import org.codingkpi.kpi.DnfcEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Publishes the KPI state as the coding_* families of shared/spec/KPIS.md §3, computed at scrape
 * time from state (never from in-memory counters), so they survive restarts. What a read contains
 * while partitions move is {@link PublishedKpiState}'s rule (task by task); if a read fails outright,
 * the last good scrape is served.
 */
public final class KpiCollector implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(KpiCollector.class);
    private static final double DAY = 86400;
    static final List<String> DNFC_AGES = List.of("0-1d", "1-3d", "3-7d", "7d+");
    static final List<String> AR_AGES = List.of("0-30d", "30-60d", "60-90d", "90-120d", "120d+");
    /** The lower bounds, in days, of every age bucket but the first. */
    private static final double[] DNFC_AGE_BOUNDS_DAYS = {1, 3, 7};
    private static final double[] AR_AGE_BOUNDS_DAYS = {30, 60, 90, 120};

    private final Supplier<KpiTotals> totals;
    private final List<Function<KpiTotals, Collection<MetricSnapshot>>> extensions;
    private volatile MetricSnapshots last = new MetricSnapshots();

    /**
     * @param totals reads the state (called once per scrape)
     * @param extensions further families derived from the same read (ROI, drift)
     */
    public KpiCollector(Supplier<KpiTotals> totals, List<Function<KpiTotals, Collection<MetricSnapshot>>> extensions) {
        this.totals = totals;
        this.extensions = List.copyOf(extensions);
    }

    /** Synchronized: one state read per scrape, and the extensions see the read of the same scrape. */
    @Override
    public synchronized MetricSnapshots collect() {
        try {
            KpiTotals t = totals.get();
            List<MetricSnapshot> out = snapshots(t);
            for (Function<KpiTotals, Collection<MetricSnapshot>> ext : extensions) {
                out.addAll(ext.apply(t));
            }
            last = new MetricSnapshots(out);
        } catch (RuntimeException e) {
            LOG.debug("KPI state not readable now ({}); serving the last scrape", e.toString());
        }
        return last;
    }

    /**
     * The state-backed coding_* families of the {@link MetricCatalog} (KPIS.md §3 and the per-coder
     * counter of §5), in catalog order; ROI, compliance and task families come from their own exporters.
     */
    public static List<MetricSnapshot> snapshots(KpiTotals t) {
        List<MetricSnapshot> out = new ArrayList<>();
        for (MetricCatalog.Family f : MetricCatalog.families()) {
            if (f.series() != null && f.series() != Series.ROI_MONTH) {
                out.add(f.type() == MetricCatalog.Type.HISTOGRAM ? histogram(t, f) : counter(t, f));
            } else if (f.name().equals("coding_claims_adjudicated_total")) {
                out.add(claimsAdjudicated(t, f));
            } else if (f.name().equals("coding_dnfc_encounters")) {
                out.addAll(dnfc(t));
            } else if (f.name().equals("coding_dnfb_encounters")) {
                out.addAll(dnfb(t));
            } else if (f.name().equals("coding_ar_open_claims")) {
                out.addAll(ar(t));
            } else if (f.name().equals("coding_stream_time_seconds")) {
                out.add(streamTime(t, f));
            }
        }
        return out;
    }

    private static GaugeSnapshot streamTime(KpiTotals t, MetricCatalog.Family f) {
        Instant now = t.streamTime();
        GaugeSnapshot.Builder st = GaugeSnapshot.builder().name(f.name()).help(f.help());
        if (now != null) {
            st.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(now.toEpochMilli() / 1000.0).build());
        }
        return st.build();
    }

    /** A counter whose state may be kept in smaller exact units (cents): divided once, at export. */
    private static CounterSnapshot counter(KpiTotals t, MetricCatalog.Family f) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(f.baseName()).help(f.help());
        String[] names = f.labels().toArray(String[]::new);
        keyed(t.group(f.series())).forEach((labels, v) -> {
            double value = v[f.slot()] / f.divisor();
            // only a signed sum can be negative (adjustment amounts, EVENTS.md v2): a Prometheus counter cannot
            // carry it, and one such point must not fail the whole scrape; published again once positive (docs/x12.md)
            if (!(value < 0)) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of(names, labels.array())).value(value).build());
            }
        });
        return b.build();
    }

    private static CounterSnapshot claimsAdjudicated(KpiTotals t, MetricCatalog.Family f) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(f.baseName()).help(f.help());
        List<String> base = Series.CLAIMS.labelNames();
        String[] names = new String[base.size() + 1];
        base.toArray(names);
        names[base.size()] = "outcome";
        keyed(t.group(Series.CLAIMS)).forEach((labels, v) -> {
            for (String outcome : List.of("paid", "denied")) {
                String[] values = java.util.Arrays.copyOf(labels.array(), names.length);
                values[names.length - 1] = outcome;
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of(names, values))
                        .value(v[outcome.equals("paid") ? 0 : 1]).build());
            }
        });
        return b.build();
    }

    /** A histogram whose sum the state keeps in {@code divisor} units per second (1000: milliseconds). */
    private static HistogramSnapshot histogram(KpiTotals t, MetricCatalog.Family f) {
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(f.name()).help(f.help());
        String[] names = f.labels().toArray(String[]::new);
        double[] bounds = f.buckets();
        double[] upper = new double[bounds.length + 1];
        System.arraycopy(bounds, 0, upper, 0, bounds.length);
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        keyed(t.group(f.series())).forEach((labels, v) -> {
            long[] counts = new long[upper.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = (long) v[i];
            }
            b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(Labels.of(names, labels.array()))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, counts))
                    .sum(v[upper.length] / f.divisor()).build());
        });
        return b.build();
    }

    /** DNFC gauges: every (facility, setting) that has discharges, all four ages, zero where empty. */
    private static List<MetricSnapshot> dnfc(KpiTotals t) {
        return encounterBacklog(t, t.dnfc(), "coding_dnfc_encounters", "coding_dnfc_charges_dollars");
    }

    /** DNFB gauges (KPIS.md §3b): as DNFC, for the encounters discharged and not final billed. */
    private static List<MetricSnapshot> dnfb(KpiTotals t) {
        return encounterBacklog(t, t.dnfb(), "coding_dnfb_encounters", "coding_dnfb_charges_dollars");
    }

    private static List<MetricSnapshot> encounterBacklog(KpiTotals t, List<DnfcEntry> entries, String countName, String dollarsName) {
        Map<String, double[]> byKey = new TreeMap<>();
        for (List<String> l : t.group(Series.DISCHARGED).keySet()) {
            for (String age : DNFC_AGES) {
                byKey.putIfAbsent(l.get(0) + Series.SEP + l.get(1) + Series.SEP + age, new double[2]);
            }
        }
        addByAge(byKey, t, entries, DNFC_AGES, DNFC_AGE_BOUNDS_DAYS, DnfcEntry::dischargedAtMs, DnfcEntry::facility, DnfcEntry::setting,
                setting -> setting, DnfcEntry::expectedChargeCents);
        return gaugePair(byKey, new String[] {"facility", "setting", "age"}, countName, dollarsName);
    }

    /**
     * A/R gauges (KPIS.md §3b): every (facility, payer) that has submissions, all five ages (lower
     * bound inclusive), zero where empty; age = stream time minus the first non-VOID submission.
     */
    private static List<MetricSnapshot> ar(KpiTotals t) {
        Map<String, double[]> byKey = new TreeMap<>();
        for (List<String> l : t.group(Series.SUBMITTED).keySet()) {
            for (String age : AR_AGES) {
                byKey.putIfAbsent(l.get(0) + Series.SEP + l.get(1) + Series.SEP + age, new double[2]);
            }
        }
        addByAge(byKey, t, t.ar(), AR_AGES, AR_AGE_BOUNDS_DAYS, ArEntry::submittedAtMs, ArEntry::facility, ArEntry::payer,
                payer -> t.capLabel("payer", payer), ArEntry::billedCents);
        return gaugePair(byKey, new String[] {"facility", "payer", "age"}, "coding_ar_open_claims", "coding_ar_open_dollars");
    }

    /**
     * Adds backlog entries to {@code byKey} (facility, second label, age → count and cents): summed per
     * (facility, second label) and age bucket first, then capped and keyed, one label string per group
     * rather than per entry. An entry's age is the stream time minus its time, in days; its bucket is
     * the number of bounds it has reached.
     */
    private static <E> void addByAge(Map<String, double[]> byKey, KpiTotals t, List<E> entries, List<String> ages, double[] boundsDays,
                                     ToLongFunction<E> since, Function<E, String> facility, Function<E, String> second,
                                     UnaryOperator<String> capSecond, ToLongFunction<E> cents) {
        Instant now = t.streamTime();
        Map<String, Map<String, double[]>> sums = new HashMap<>();
        for (E e : entries) {
            double ageDays = now == null ? 0 : (now.toEpochMilli() - since.applyAsLong(e)) / 1000.0 / DAY;
            int age = 0;
            while (age < boundsDays.length && ageDays >= boundsDays[age]) {
                age++;
            }
            double[] v = sums.computeIfAbsent(facility.apply(e), k -> new HashMap<>()).computeIfAbsent(second.apply(e), k -> new double[2 * ages.size()]);
            v[2 * age] += 1;
            v[2 * age + 1] += cents.applyAsLong(e); // exact cents: the sum does not depend on the order of the entries
        }
        sums.forEach((f, bySecond) -> bySecond.forEach((l, v) -> {
            for (int age = 0; age < ages.size(); age++) {
                if (v[2 * age] > 0) {
                    double[] out = byKey.computeIfAbsent(t.capLabel("facility", f) + Series.SEP + capSecond.apply(l) + Series.SEP + ages.get(age),
                            k -> new double[2]);
                    out[0] += v[2 * age];
                    out[1] += v[2 * age + 1];
                }
            }
        }));
    }

    private static List<MetricSnapshot> gaugePair(Map<String, double[]> byKey, String[] names, String countName, String dollarsName) {
        MetricCatalog.Family countFamily = MetricCatalog.require(countName);
        MetricCatalog.Family dollarsFamily = MetricCatalog.require(dollarsName);
        GaugeSnapshot.Builder count = GaugeSnapshot.builder().name(countFamily.name()).help(countFamily.help());
        GaugeSnapshot.Builder dollars = GaugeSnapshot.builder().name(dollarsFamily.name()).help(dollarsFamily.help());
        byKey.forEach((k, v) -> {
            Labels labels = Labels.of(names, k.split(String.valueOf(Series.SEP), -1));
            count.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(v[0]).build());
            dollars.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(v[1] / 100.0).build());
        });
        return List.of(count.build(), dollars.build());
    }

    /** Sorts label tuples for a stable exposition. */
    private static Map<ListKey, double[]> keyed(Map<List<String>, double[]> m) {
        Map<ListKey, double[]> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(new ListKey(k), v));
        return out;
    }

    private record ListKey(List<String> values) implements Comparable<ListKey> {
        @Override
        public int compareTo(ListKey o) {
            for (int i = 0; i < Math.min(values.size(), o.values.size()); i++) {
                int c = values.get(i).compareTo(o.values.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(values.size(), o.values.size());
        }

        String[] array() {
            return values.toArray(String[]::new);
        }
    }
}
