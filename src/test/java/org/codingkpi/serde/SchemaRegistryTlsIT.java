package org.codingkpi.serde;

import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.config.PipelineConfig;
import org.codingkpi.events.EventType;
import org.codingkpi.it.ApicurioRegistry;
import org.codingkpi.security.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.codingkpi.TestEvents.T0;
import static org.codingkpi.TestEvents.discharged;

/**
 * The schema-registry client over HTTPS against the real Apicurio Registry served only over TLS (Quarkus
 * {@code quarkus.http.ssl.certificate.*}, {@code quarkus.http.insecure-requests=disabled}), configured as
 * docs/schema-registry.md shows: a custom PKCS12 truststore whose password comes from a file. Without that
 * truststore the client fails at once, naming the setting; a plain-http URL gets nothing.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SchemaRegistryTlsIT {
    @TempDir
    static Path dir;
    private static ApicurioRegistry apicurio;
    private static Path trustStore;
    private static Path trustStorePassword;

    @BeforeAll
    static void startRegistry() throws Exception {
        TestPki.Ca ca = TestPki.ca("CN=registry test CA");
        Path keyStore = ca.issue("CN=localhost", "IP:127.0.0.1", "DNS:localhost").writeKeyStore(dir.resolve("registry.p12"), "registry-ks");
        trustStore = ca.writeTrustStore(dir.resolve("truststore.p12"), "trust-pw");
        trustStorePassword = Files.writeString(dir.resolve("truststore-password"), "trust-pw\n");
        SSLContext trust = SchemaRegistries.sslContext(trustStore, "trust-pw", "PKCS12");
        apicurio = ApicurioRegistry.startTls(keyStore, "registry-ks", trust);
    }

    @AfterAll
    static void stopRegistry() {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put(PipelineConfig.SCHEMA_REGISTRY_URL, apicurio.ccompatUrl());
        s.put(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION, trustStore.toString());
        s.put(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_TYPE, "PKCS12");
        s.put(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD, "${file:" + trustStorePassword + "}");
        return s;
    }

    @Test
    void eventsRoundTripThroughTheRegistryOverHttpsWithACustomTruststore() throws IOException {
        assertThat(apicurio.ccompatUrl()).startsWith("https://");
        Path file = dir.resolve("registry.properties");
        StringBuilder props = new StringBuilder();
        settings().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, props);
        SchemaRegistry registry = SchemaRegistries.fromConfig(PipelineConfig.load(file, Map.of()));
        assertThat(registry).isInstanceOf(RestSchemaRegistry.class);

        SpecificRecord event = discharged("E-TLS-1", T0).build();
        byte[] bytes = new EventCodec(registry).encode(EventType.EncounterDischarged.defaultTopic(), event);
        // a second client, as the pipeline is to the importer: fetches the schema by id over TLS
        SchemaRegistry reader = SchemaRegistries.fromConfig(PipelineConfig.load(file, Map.of()));
        assertThat(new EventCodec(reader).decode(bytes)).isEqualTo(event);
        for (EventType type : EventType.values()) {
            assertThat(registry.register(type.defaultTopic() + "-" + type.schema().getFullName(), type.schema())).isPositive();
        }
    }

    @Test
    void withoutTheTruststoreTheClientFailsAtOnceNamingTheSetting() {
        Map<String, String> s = settings();
        s.remove(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION);
        SchemaRegistry registry = SchemaRegistries.fromConfig(PipelineConfig.of(s));
        long start = System.nanoTime();
        assertThatThrownBy(() -> registry.register("encounters-x", EventType.EncounterDischarged.schema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("TLS with the schema registry at " + apicurio.ccompatUrl())
                .hasMessageContaining("schema.registry.ssl.truststore.location");
        // not retried: a certificate does not become trusted by waiting
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void plainHttpToTheHttpsPortGetsNoSchema() {
        Map<String, String> s = settings();
        s.put(PipelineConfig.SCHEMA_REGISTRY_URL, apicurio.ccompatUrl().replace("https://", "http://"));
        s.put(PipelineConfig.SCHEMA_REGISTRY_RETRIES, "0");
        SchemaRegistry registry = SchemaRegistries.fromConfig(PipelineConfig.of(s));
        assertThatThrownBy(() -> registry.byId(1)).isInstanceOf(SchemaRegistryException.class);
    }
}
