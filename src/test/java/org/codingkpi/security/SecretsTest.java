package org.codingkpi.security;

import org.codingkpi.config.Secrets;
import org.codingkpi.cli.Main;
import org.codingkpi.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets come from files or the environment and never appear in the effective configuration or an error. */
class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void fileAndEnvironmentReferencesAreResolvedInsideLongerValues() throws IOException {
        Path pw = Files.writeString(dir.resolve("scram"), "p@ss\"w0rd$\n");
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"coding-kpi\" password=\"${file:" + pw + "}\";";
        assertThat(Secrets.resolve("sasl.jaas.config", jaas, Map.of()))
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"coding-kpi\" password=\"p@ss\"w0rd$\";");
        assertThat(Secrets.resolve("ssl.truststore.password", "${env:TS_PW}", Map.of("TS_PW", "changeit"))).isEqualTo("changeit");
        // Kafka's own config providers (a path and a key) are left to Kafka
        assertThat(Secrets.resolve("ssl.key.password", "${file:/etc/app.properties:keypw}", Map.of())).isEqualTo("${file:/etc/app.properties:keypw}");
    }

    @Test
    void aMissingSecretNamesTheSettingAndTheSourceNeverAValue() {
        assertThatThrownBy(() -> Secrets.resolve("ssl.keystore.password", "${env:NOT_SET_ANYWHERE}", Map.of()))
                .hasMessage("ssl.keystore.password: the environment variable NOT_SET_ANYWHERE it refers to is not set");
        assertThatThrownBy(() -> Secrets.resolve("sasl.jaas.config", "x password=\"${file:" + dir.resolve("absent") + "}\"", Map.of()))
                .hasMessageStartingWith("sasl.jaas.config: cannot read the secret file " + dir.resolve("absent"));
    }

    @Test
    void theEffectiveConfigurationHidesEverySecret() throws IOException {
        Path pw = Files.writeString(dir.resolve("pw"), "hunter2");
        Path file = Files.writeString(dir.resolve("app.properties"), String.join("\n",
                "bootstrap.servers=kafka:9096",
                "security.protocol=SASL_SSL",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"${file:" + pw + "}\";",
                "ssl.truststore.password=${file:" + pw + "}",
                "ssl.keystore.password=hunter2",
                "ssl.key.password=hunter2",
                "schema.registry.url=https://svc:hunter2@registry:8081",
                "schema.registry.basic.auth.user.info=svc:hunter2",
                "schema.registry.bearer.auth.token=hunter2",
                "schema.registry.ssl.truststore.password=hunter2",
                "sasl.oauthbearer.client.credentials.client.secret=hunter2"));
        PipelineConfig c = PipelineConfig.load(file, Map.of("KAFKA_SASL_CLIENT_CALLBACK_HANDLER_CLASS", "x"));
        assertThat(c.clientProperties().get("sasl.jaas.config").toString()).contains("password=\"hunter2\"");
        assertThat(c.masked().toString()).doesNotContain("hunter2").contains("sasl.jaas.config=[hidden]")
                .contains("schema.registry.url=https://[hidden]@registry:8081").contains("bootstrap.servers=kafka:9096");

        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("config", "--config", file.toString())).isZero();
        assertThat(out.toString()).doesNotContain("hunter2").contains("ssl.keystore.password=[hidden]").contains("security.protocol=SASL_SSL");
    }

    @Test
    void theAclCommandsListWhatEachCommandNeeds() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("config", "--acls", "User:coding-kpi")).isZero();
        assertThat(out.toString())
                .contains("--allow-principal User:coding-kpi --operation Read --topic encounters")
                .contains("--operation Write --transactional-id coding-kpi- --resource-pattern-type prefixed")
                .contains("--operation Read --group coding-kpi")
                .contains("--operation Read --topic coding-kpi-audit");
    }
}
