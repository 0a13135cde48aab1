package org.codingkpi.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages beside /metrics: rendered at each request, exact path only, 503 with Retry-After while the state is unreadable. */
class MetricsServerPageTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsServer server = new MetricsServer("127.0.0.1", 0, registry, () -> true);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        server.close();
        registry.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPageIsRenderedAtEachRequest() throws Exception {
        AtomicReference<String> body = new AtomicReference<>("first");
        server.page("/roi", "text/html; charset=utf-8", body::get);

        assertThat(get("/roi").body()).isEqualTo("first");
        body.set("second");
        HttpResponse<String> res = get("/roi");
        assertThat(res.body()).isEqualTo("second");
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void onlyTheExactPathIsServed() throws Exception {
        server.page("/roi", "text/html; charset=utf-8", () -> "html");
        server.page("/roi.csv", "text/csv; charset=utf-8", () -> "csv");

        assertThat(get("/roi.csv").body()).isEqualTo("csv");
        assertThat(get("/roix").statusCode()).isEqualTo(404);
        assertThat(get("/roi/x").statusCode()).isEqualTo(404);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnreadableStateIsA503ToRetry() throws Exception {
        server.page("/roi", "text/html; charset=utf-8", () -> {
            throw new IllegalStateException("rebalancing");
        });

        HttpResponse<String> res = get("/roi");

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(res.body()).contains("retry");
    }
}
