package org.codingkpi.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security settings of docs/operations.md (SASL_SSL with SCRAM, and SSL with client
 * certificates) reach every Kafka client the pipeline makes: Kafka Streams' consumers, producer and
 * admin client, the admin client that checks the topics, and the producer of import and demo;
 * secrets may come from the environment instead of the file.
 */
class PipelineConfigSecurityTest {
    private static final List<String> STREAMS_CLIENTS = List.of("main consumer", "restore consumer", "producer", "admin");

    @TempDir
    Path dir;

    @Test
    void saslSslSettingsFromFileAndEnvironmentReachEveryClient() throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=kafka-1.example.org:9096",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "ssl.truststore.location=/etc/coding-kpi/truststore.p12",
                "ssl.truststore.type=PKCS12",
                "ssl.endpoint.identification.algorithm=https"));
        // the secrets from the environment, as a container platform injects them
        PipelineConfig config = PipelineConfig.load(file, Map.of(
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"coding-kpi\" password=\"s3cret\";",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit"));
        Map<String, String> expected = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"coding-kpi\" password=\"s3cret\";",
                "ssl.truststore.location", "/etc/coding-kpi/truststore.p12",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", "changeit",
                "ssl.endpoint.identification.algorithm", "https");
        assertEveryClientGets(config, expected);
    }

    @Test
    void mutualTlsSettingsReachEveryClient() throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=kafka-1.example.org:9094",
                "security.protocol=SSL",
                "ssl.keystore.location=/etc/coding-kpi/client.p12",
                "ssl.keystore.type=PKCS12",
                "ssl.truststore.location=/etc/coding-kpi/truststore.p12"));
        PipelineConfig config = PipelineConfig.load(file, Map.of(
                "KAFKA_SSL_KEYSTORE_PASSWORD", "k3y",
                "KAFKA_SSL_KEY_PASSWORD", "k3y",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit"));
        assertEveryClientGets(config, Map.of(
                "security.protocol", "SSL",
                "ssl.keystore.location", "/etc/coding-kpi/client.p12",
                "ssl.keystore.type", "PKCS12",
                "ssl.keystore.password", "k3y",
                "ssl.key.password", "k3y",
                "ssl.truststore.location", "/etc/coding-kpi/truststore.p12",
                "ssl.truststore.password", "changeit"));
    }

    @Test
    void metricsBindAddressComesFromFileOrEnvironment() throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "metrics.bind.address=10.0.0.5\n");
        assertThat(PipelineConfig.load(file, Map.of()).metricsBindAddress()).isEqualTo("10.0.0.5");
        assertThat(PipelineConfig.load(file, Map.of("CODING_KPI_METRICS_BIND_ADDRESS", "127.0.0.1")).metricsBindAddress()).isEqualTo("127.0.0.1");
    }

    private static void assertEveryClientGets(PipelineConfig config, Map<String, String> expected) {
        Map<String, Object> streams = new HashMap<>();
        config.streamsProperties().forEach((k, v) -> streams.put((String) k, v));
        StreamsConfig streamsConfig = new StreamsConfig(streams);
        Map<String, Map<String, Object>> clients = Map.of(
                "main consumer", streamsConfig.getMainConsumerConfigs("group", "client", 0),
                "restore consumer", streamsConfig.getRestoreConsumerConfigs("client"),
                "producer", streamsConfig.getProducerConfigs("client"),
                "admin", streamsConfig.getAdminConfigs("client"));
        assertThat(clients.keySet()).containsExactlyInAnyOrderElementsOf(STREAMS_CLIENTS);
        clients.forEach((client, settings) -> expected.forEach((k, v) ->
                assertThat(String.valueOf(settings.get(k))).as("%s of Kafka Streams' %s", k, client).isEqualTo(v)));
        // the plain clients (topic check, import, demo) parse them as their own settings
        Map<String, Object> plain = config.clientProperties();
        ProducerConfig producer = new ProducerConfig(withSerializers(plain));
        AdminClientConfig admin = new AdminClientConfig(plain);
        expected.forEach((k, v) -> {
            assertThat(String.valueOf(producer.originals().get(k))).as("%s of the import/demo producer", k).isEqualTo(v);
            assertThat(String.valueOf(admin.originals().get(k))).as("%s of the admin client", k).isEqualTo(v);
        });
        assertThat(producer.getString("security.protocol")).isEqualTo(expected.get("security.protocol"));
        assertThat(admin.getString("security.protocol")).isEqualTo(expected.get("security.protocol"));
    }

    private static Map<String, Object> withSerializers(Map<String, Object> p) {
        Map<String, Object> m = new HashMap<>(p);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
        return m;
    }
}
