package org.codingkpi.cli;

import org.codingkpi.config.PipelineConfig;
import org.codingkpi.security.PipelineAcls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        header = "Prints the effective configuration, secrets hidden, or the ACLs.",
        description = {"Prints the effective configuration (the file, then CODING_KPI_* and KAFKA_* environment variables, then defaults,",
                "with ${file:...} and ${env:...} references resolved) with every secret [hidden]; or the Kafka ACLs each command needs."})
public final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file.")
    Path config;

    @Option(names = "--acls", paramLabel = "PRINCIPAL",
            description = "Instead: the kafka-acls.sh options that grant PRINCIPAL (e.g. User:coding-kpi) what run, import, simulate and audit need.")
    String aclPrincipal;

    @Override
    public Integer call() {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        PrintWriter out = spec.commandLine().getOut();
        if (aclPrincipal != null) {
            for (List<PipelineAcls.Grant> grants : List.of(PipelineAcls.forPipeline(c), PipelineAcls.forImport(c), PipelineAcls.forAudit(c))) {
                for (PipelineAcls.Grant g : grants) {
                    out.println("kafka-acls.sh --bootstrap-server BROKER --command-config ADMIN.properties --add --allow-principal "
                            + aclPrincipal + " " + g.kafkaAclsOptions());
                }
            }
        } else {
            c.masked().forEach((k, v) -> out.println(k + "=" + v));
        }
        out.flush();
        return 0;
    }
}
