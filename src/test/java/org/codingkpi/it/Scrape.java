package org.codingkpi.it;

import org.codingkpi.metrics.Exposition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** One scrape of a pipeline's {@code /metrics}: the samples, keyed {@code name{label="value",...}}. */
record Scrape(String text, Map<String, Double> samples) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Scrape of(int port) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(20)).build();
        try {
            HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IOException("/metrics answered " + res.statusCode());
            }
            return new Scrape(res.body(), Exposition.samples(res.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The scrape, or null when the endpoint does not answer (the process is down or starting). */
    static Scrape orNull(int port) {
        try {
            return of(port);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code /health/ready} answers 200. */
    static boolean ready(int port) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(Duration.ofSeconds(5)).build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Accepted + duplicates + dead-lettered, as published. */
    long processed() {
        return (long) (sum("coding_events_total") + sum("coding_events_duplicate_total") + sum("coding_events_rejected_total"));
    }

    double sum(String name) {
        double s = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            if (name(e.getKey()).equals(name)) {
                s += e.getValue();
            }
        }
        return s;
    }

    /** The tasks whose state this scrape publishes ({@code coding_pipeline_task_published == 1}). */
    Set<String> publishedTasks() {
        Set<String> out = new TreeSet<>();
        samples.forEach((k, v) -> {
            if (name(k).equals("coding_pipeline_task_published") && v == 1.0) {
                out.add(label(k, "task"));
            }
        });
        return out;
    }

    /** The samples of the coding_* KPI families (not the operational coding_pipeline_* or ROI ones). */
    Map<String, Double> kpiSamples() {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            String n = name(k);
            if (n.startsWith("coding_") && !n.startsWith("coding_pipeline_") && !n.startsWith("coding_roi_")) {
                out.put(k, v);
            }
        });
        return out;
    }

    static String name(String sample) {
        int brace = sample.indexOf('{');
        return brace < 0 ? sample : sample.substring(0, brace);
    }

    static String label(String sample, String label) {
        int i = sample.indexOf(label + "=\"");
        if (i < 0) {
            return null;
        }
        int start = i + label.length() + 2;
        return sample.substring(start, sample.indexOf('"', start));
    }
}
