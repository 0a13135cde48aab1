package org.codingkpi.cli;

import org.codingkpi.app.Clusters;
import org.codingkpi.app.Pipeline;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.SchemaRegistries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Runs the pipeline against an existing Kafka cluster.",
        description = {"Runs the pipeline against an existing Kafka cluster until stopped (SIGTERM / Ctrl-C).",
                "Settings: the properties file, then CODING_KPI_* and KAFKA_* environment variables, then defaults."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (see README, Configuration).")
    Path config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        Clusters.requireReachable(c, Clusters.REACHABLE_WITHIN);
        Pipeline pipeline = Pipeline.start(c, new EventCodec(SchemaRegistries.fromConfig(c)), Extensions.forRun(c));
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "shutdown"));
        pipeline.awaitTermination();
        if (pipeline.failed()) {
            System.err.println("run: the pipeline stopped: " + pipeline.failureReason().orElse("unknown reason (see the log above)"));
            return 1;
        }
        return 0;
    }
}
