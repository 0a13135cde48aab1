package org.codingkpi.cli;

import org.codingkpi.app.Clusters;
import org.codingkpi.app.Pipeline;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.KafkaAccess;
import org.codingkpi.security.PipelineAcls;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.SchemaRegistries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Runs the pipeline against an existing Kafka cluster.",
        description = {"Runs the pipeline against an existing Kafka cluster until stopped (SIGTERM / Ctrl-C).",
                "Settings: the properties file, then CODING_KPI_* and KAFKA_* environment variables, then defaults."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (see README, Configuration).")
    Path config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        LOG.info("Effective configuration (secrets hidden): {}", c.masked());
        // the cluster takes these settings and the principal holds the ACLs of docs/operations.md, or a clear error
        ClusterCheck.require(c, PipelineAcls.forPipeline(c), Set.of(c.deadLetterTopic(), c.auditTopic(), c.roiTopic()), Duration.ofSeconds(60));
        Pipeline pipeline = Pipeline.start(c, new EventCodec(SchemaRegistries.fromConfig(c)), Extensions.forRun(c));
        Thread hook = new Thread(pipeline::close, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        pipeline.awaitTermination();
        if (pipeline.failed()) {
            // stopped by an error, not by a signal: close (endpoints, group) and say why, once, then exit non-zero
            Runtime.getRuntime().removeShutdownHook(hook);
            pipeline.close();
            spec.commandLine().getErr().println("error: " + pipeline.failure());
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }
}
