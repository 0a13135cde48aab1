package org.codingkpi.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.codingkpi.app.Importer;
import org.codingkpi.app.SimFeed;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EncounterDischarged;
import org.codingkpi.events.Setting;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * How long an event takes to show in {@code /metrics} under a steady live feed. A background thread
 * sends simulated live events at a fixed rate (whatever the probes do); one probe at a time, a
 * discharge of facility {@code BENCH-PROBE} is sent and {@code /metrics} is scraped every
 * {@code pollMillis} (or, when a scrape takes longer than that, as long as the last scrape took, so
 * that the probing keeps at most half a core scraping) until {@code coding_encounters_discharged_total}
 * of that facility counts it. The latency is from just before the send to the end of the scrape that
 * shows it, so its resolution is one poll interval plus one scrape.
 */
final class Visibility {
    static final String PROBE_FACILITY = "BENCH-PROBE";
    private static final long PROBE_TIMEOUT_MS = 30_000;

    /** The figures of a measurement. */
    record Result(double targetRate, double achievedRate, List<Long> latenciesMs, int timeouts, double scrapeMillisAvg, long pollMillis) {
    }

    private Visibility() {
    }

    /** @param maxNanos stop probing after this long (the probes done so far are the result) */
    static Result measure(PipelineConfig config, EventCodec codec, int metricsPort, double rate, int probes, long pollMillis, long maxNanos)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> feedFailure = new AtomicReference<>();
        Thread feed = new Thread(() -> feed(config, codec, rate, stop, sent, feedFailure), "bench-live-feed");
        feed.setDaemon(true);
        List<Long> latencies = new ArrayList<>();
        int timeouts = 0;
        long scrapes = 0;
        long scrapeNanos = 0;
        long feedStart;
        long feedSentAtStart;
        Map<String, Object> p = new HashMap<>(config.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (Producer<byte[], byte[]> probeProducer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            feed.start();
            Thread.sleep(3_000); // the feed reaches its rate, the pipeline its steady state
            feedStart = System.nanoTime();
            feedSentAtStart = sent.get();
            double seen = probeCount(http, metrics);
            SplittableRandom gaps = new SplittableRandom(7);
            for (int i = 0; i < probes && feedFailure.get() == null && System.nanoTime() - feedStart < maxNanos; i++) {
                EncounterDischarged probe = EncounterDischarged.newBuilder().setEventId("probe-" + java.util.UUID.randomUUID())
                        .setOccurredAt(Instant.now()).setFacilityId(PROBE_FACILITY).setEncounterId("probe-" + i + "-" + System.nanoTime())
                        .setSetting(Setting.OUTPATIENT).setSpecialty("PROBE").setPayerId("PROBE").setExpectedChargeCents(0).build();
                long t0 = System.nanoTime();
                probeProducer.send(new ProducerRecord<>(config.encountersTopic(), null, System.currentTimeMillis(),
                        probe.getEncounterId().getBytes(StandardCharsets.UTF_8), codec.encode(config.encountersTopic(), probe)));
                probeProducer.flush();
                double target = seen + 1;
                while (true) {
                    long s0 = System.nanoTime();
                    seen = probeCount(http, metrics);
                    long s1 = System.nanoTime();
                    scrapes++;
                    scrapeNanos += s1 - s0;
                    if (seen >= target) {
                        latencies.add((s1 - t0) / 1_000_000);
                        break;
                    }
                    if (s1 - t0 > PROBE_TIMEOUT_MS * 1_000_000L) {
                        timeouts++;
                        break;
                    }
                    // at least as long as the scrape took: the probing must not keep a core busy scraping
                    Thread.sleep(Math.max(pollMillis, (s1 - s0) / 1_000_000));
                }
                if ((i + 1) % 20 == 0) {
                    System.out.printf("  %d probes, latest %d ms, %d timeouts%n", latencies.size(), latencies.isEmpty() ? -1
                            : latencies.get(latencies.size() - 1), timeouts);
                }
                // an irregular gap, so that the probes do not lock onto the commit interval's phase
                Thread.sleep(100 + gaps.nextInt(200));
            }
        } finally {
            stop.set(true);
            feed.join(10_000);
        }
        if (feedFailure.get() != null) {
            throw new IllegalStateException("the live feed failed: " + feedFailure.get().getMessage(), feedFailure.get());
        }
        double achieved = Stats.rate(sent.get() - feedSentAtStart, System.nanoTime() - feedStart);
        return new Result(rate, achieved, latencies, timeouts, scrapes == 0 ? 0 : scrapeNanos / 1e6 / scrapes, pollMillis);
    }

    /** Live events (occurred_at in the two days up to now, record timestamp now) at a steady rate, in ticks of 5 ms. */
    private static void feed(PipelineConfig config, EventCodec codec, double rate, AtomicBoolean stop, AtomicLong sent,
                             AtomicReference<Exception> failure) {
        try (Producer<byte[], byte[]> producer = Importer.producer(config)) {
            SimFeed out = new SimFeed(config, codec, producer);
            long seed = 99;
            Simulator sim = live(seed);
            long start = System.nanoTime();
            long n = 0;
            while (!stop.get()) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                while (n < due) {
                    if (!sim.hasNext()) {
                        sim = live(++seed);
                    }
                    SimEvent e = sim.next();
                    if (e.event() == null || e.deliveredAt().isAfter(Instant.now())) {
                        continue; // only valid events that have happened: the probes measure the normal path
                    }
                    out.send(e, System.currentTimeMillis());
                    n++;
                    sent.set(n);
                }
                LockSupport.parkNanos(5_000_000);
            }
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    private static Simulator live(long seed) {
        Instant now = Instant.now();
        return new Simulator(SimulatorConfig.builder().seed(seed).start(now.minus(Duration.ofDays(2))).days(2).encountersPerDay(20_000)
                .goLive(now.minus(Duration.ofDays(60))).build());
    }

    private static double probeCount(HttpClient http, URI metrics) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return probeCount(body);
    }

    /** The sum of {@code coding_encounters_discharged_total} over the series of the probe facility. */
    static double probeCount(String exposition) {
        double n = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("coding_encounters_discharged_total{") && line.contains("facility=\"" + PROBE_FACILITY + "\"")) {
                n += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }
}
