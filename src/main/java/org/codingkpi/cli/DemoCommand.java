package org.codingkpi.cli;

import org.codingkpi.app.Demo;
import org.codingkpi.simulator.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Runs a broker, the pipeline and a live simulated department.",
        description = {"Starts an embedded Kafka broker, the pipeline and a live simulated coding department,",
                "and serves the metrics. Simulated time is compressed, never ahead of the wall clock. Ctrl-C stops it."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--metrics-port", defaultValue = "9464", description = "Port of /metrics and /health (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int metricsPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Bind address of the HTTP endpoints (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data-dir", description = "Keep broker and state here (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Option(names = "--history-days", defaultValue = "120", description = "Simulated days before now to start from (default: ${DEFAULT-VALUE}).")
    int historyDays;

    @Option(names = "--speed", defaultValue = "7200", description = "Simulated seconds per wall-clock second until the present (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--encounters-per-day", defaultValue = "400", description = "Simulated volume (default: ${DEFAULT-VALUE}).")
    int encountersPerDay;

    @Option(names = "--seed", defaultValue = "42", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--messy", description = "Add duplicates, late deliveries and invalid records to the feed.")
    boolean messy;

    @Option(names = "--scenario", defaultValue = "none", paramLabel = "NAME", converter = ScenarioConverter.class,
            description = "An anomaly for the compliance monitoring to find: none, rubber-stamp, em-drift, denial-spike (default: ${DEFAULT-VALUE}).")
    Scenario scenario;

    @Option(names = "--scenario-day", paramLabel = "N", description = "Simulated day (from the start of the history) the scenario starts; default: go-live + 15 days.")
    Integer scenarioDay;

    @Override
    public Integer call() throws Exception {
        Demo demo = Demo.startWith(new Demo.Options(metricsPort, bind, dataDir, historyDays, speed, encountersPerDay, seed, messy, 3,
                scenario, scenarioDay), Extensions::forDemo);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            closed.countDown();
        }, "shutdown"));
        demo.printWhereToLook(System.out);
        demo.followAuditFindings(System.out);
        demo.awaitTermination();
        closed.await();
        return demo.pipeline().failed() ? 1 : 0;
    }
}
