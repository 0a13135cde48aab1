package org.codingkpi.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.codingkpi.security.WebConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /health/live} and {@code /health/ready} (ready =
 * Kafka Streams RUNNING) on the JDK's HTTP server, and the {@link Page}s added with {@link #page} (the ROI
 * report). Bind address and port are configurable; port 0
 * picks a free one ({@link #port()}).
 *
 * <p>With a {@link WebConfig} (Prometheus' web configuration file format) the server speaks only TLS and
 * asks every request for basic-auth credentials; the health endpoints can be left without authentication
 * for probes ({@code healthOpen}), still over TLS. Every other path is 404, behind the same authentication.
 */
public final class MetricsServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MetricsServer.class);
    private final HttpServer server;

    /** Plain HTTP, no authentication. */
    public MetricsServer(String bindAddress, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        this(bindAddress, port, registry, ready, null, false);
    }

    /**
     * @param web TLS and users (null: plain HTTP without authentication)
     * @param healthOpen {@code /health/*} without authentication (for probes)
     */
    public MetricsServer(String bindAddress, int port, PrometheusMeterRegistry registry, BooleanSupplier ready, WebConfig web,
                         boolean healthOpen) {
        try {
            InetSocketAddress address = new InetSocketAddress(bindAddress, port);
            if (web != null && web.sslContext() != null) {
                HttpsServer https = HttpsServer.create(address, 16);
                String[] protocols = web.protocols();
                https.setHttpsConfigurator(new HttpsConfigurator(web.sslContext()) {
                    @Override
                    public void configure(HttpsParameters params) {
                        javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                        p.setProtocols(protocols);
                        params.setSSLParameters(p);
                    }
                });
                server = https;
            } else {
                server = HttpServer.create(address, 16);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + " for /metrics: " + e.getMessage(), e);
        }
        Authenticator auth = web != null && web.requiresAuthentication() ? new BasicAuthenticator("coding-kpi") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return web.check(user, password);
            }
        } : null;
        context("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()), auth);
        Authenticator healthAuth = healthOpen ? null : auth;
        context("/health/live", ex -> respond(ex, 200, "text/plain", "live\n"), healthAuth);
        context("/health/ready", ex -> {
            boolean ok = ready.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        }, healthAuth);
        // everything else: 404, after authentication (an unauthenticated caller learns nothing about the paths)
        context("/", ex -> respond(ex, 404, "text/plain", "not found\n"), auth);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    private void context(String path, HttpHandler handler, Authenticator auth) {
        HttpContext c = server.createContext(path, ex -> {
            // exact paths: /metricsfoo and /health/ready/x are not the endpoints
            if (!ex.getRequestURI().getPath().equals(path) && !path.equals("/")) {
                respond(ex, 404, "text/plain", "not found\n");
                return;
            }
            handler.handle(ex);
        });
        if (auth != null) {
            c.setAuthenticator(auth);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves {@code body} at exactly {@code path} (GET and HEAD). A body that cannot be produced now (the state is
     * not readable while partitions move) is a 503 with the reason, to be retried.
     */
    public void page(String path, String contentType, Supplier<String> body) {
        server.createContext(path, ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals(path)) {
                    respond(ex, 404, "text/plain; charset=utf-8", "not found\n");
                    return;
                }
                String method = ex.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                    return;
                }
                String text;
                try {
                    text = body.get();
                } catch (RuntimeException e) {
                    LOG.debug("{} not available now: {}", path, e.toString());
                    ex.getResponseHeaders().set("Retry-After", "5");
                    respond(ex, 503, "text/plain; charset=utf-8", "not available now (the state is not readable: partitions "
                            + "are moving or the pipeline is starting); retry in a few seconds\n");
                    return;
                }
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                if (method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Content-Type", contentType);
                    ex.sendResponseHeaders(200, -1);
                } else {
                    respond(ex, 200, contentType, text);
                }
            }
        });
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
