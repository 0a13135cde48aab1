package org.codingkpi.serde;

import org.codingkpi.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistriesTest {

    @Test
    void withoutAUrlTheBundledRegistryIsUsed() {
        assertThat(SchemaRegistries.fromConfig(PipelineConfig.of(Map.of()))).isInstanceOf(BundledSchemaRegistry.class);
    }

    @Test
    void aUrlFromTheEnvironmentSelectsTheRestRegistry() {
        PipelineConfig config = PipelineConfig.load(null, Map.of(
                "CODING_KPI_SCHEMA_REGISTRY_URL", "http://registry:8080/apis/ccompat/v7",
                "CODING_KPI_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "svc:s3cret",
                "CODING_KPI_SCHEMA_REGISTRY_REQUEST_TIMEOUT", "5s"));

        SchemaRegistry registry = SchemaRegistries.fromConfig(config);

        assertThat(registry).isInstanceOf(RestSchemaRegistry.class);
        assertThat(((RestSchemaRegistry) registry).urls()).extracting(Object::toString)
                .containsExactly("http://registry:8080/apis/ccompat/v7");
    }

    @Test
    void registrySettingsAreNeverPassedToKafka() {
        PipelineConfig config = PipelineConfig.of(Map.of(
                PipelineConfig.SCHEMA_REGISTRY_URL, "https://registry:8081",
                PipelineConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, "svc:s3cret",
                PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD, "changeit"));

        assertThat(config.streamsProperties().stringPropertyNames()).noneMatch(k -> k.startsWith("schema.registry."));
        assertThat(config.clientProperties().keySet()).noneMatch(k -> k.startsWith("schema.registry."));
    }

    @Test
    void anUnreadableTruststoreIsAClearConfigurationError(@TempDir Path dir) {
        PipelineConfig config = PipelineConfig.of(Map.of(
                PipelineConfig.SCHEMA_REGISTRY_URL, "https://registry:8081",
                PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION, dir.resolve("missing.p12").toString()));

        assertThatThrownBy(() -> SchemaRegistries.fromConfig(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION)
                .hasMessageContaining("missing.p12");
    }

    @Test
    void badNumbersAndDurationsNameTheirKey() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(PipelineConfig.of(Map.of(
                PipelineConfig.SCHEMA_REGISTRY_URL, "http://r:8081", PipelineConfig.SCHEMA_REGISTRY_RETRIES, "many"))))
                .hasMessageContaining(PipelineConfig.SCHEMA_REGISTRY_RETRIES);
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(PipelineConfig.of(Map.of(
                PipelineConfig.SCHEMA_REGISTRY_URL, "http://r:8081", PipelineConfig.SCHEMA_REGISTRY_CONNECT_TIMEOUT, "soon"))))
                .hasMessageContaining(PipelineConfig.SCHEMA_REGISTRY_CONNECT_TIMEOUT);
    }
}
