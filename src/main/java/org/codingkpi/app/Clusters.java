package org.codingkpi.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.codingkpi.config.PipelineConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The first question every command that talks to a cluster asks: does it answer? */
public final class Clusters {
    /** How long {@code run}, {@code import} and {@code simulate} wait for a first answer from the brokers. */
    public static final Duration REACHABLE_WITHIN = Duration.ofSeconds(10);

    private Clusters() {
    }

    /**
     * Asks the cluster of {@code bootstrap.servers} for its brokers and fails within {@code within},
     * naming the address, when none answers (instead of the clients' silent minute of retries).
     */
    public static void requireReachable(PipelineConfig config, Duration within) {
        String servers = config.get(PipelineConfig.BOOTSTRAP_SERVERS);
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) within.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) within.toMillis());
        Admin admin = Admin.create(props);
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) within.toMillis())).nodes()
                    .get(within.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            boolean timedOut = cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException;
            throw new IllegalStateException("cannot reach the Kafka cluster at " + servers + " (bootstrap.servers) within "
                    + within.toSeconds() + " s" + (timedOut ? "" : ": " + cause.getMessage())
                    + "; check the address, that the brokers run and that this host may connect to them");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + servers, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }
}
