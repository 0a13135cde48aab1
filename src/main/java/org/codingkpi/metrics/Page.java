package org.codingkpi.metrics;

import java.util.Objects;
import java.util.function.Function;

/**
 * A page served on the metrics port beside {@code /metrics} (e.g. the ROI report at {@code /roi}), rendered at each
 * request from a fresh read of the same KPI state the {@code /metrics} collector reads.
 *
 * @param path        the exact path, e.g. {@code /roi.csv}
 * @param contentType e.g. {@code text/html; charset=utf-8}
 * @param render      the page from one state read
 */
public record Page(String path, String contentType, Function<KpiTotals, String> render) {
    public Page {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(render, "render");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a page path starts with /: " + path);
        }
    }
}
