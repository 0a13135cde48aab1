package org.codingkpi.serde;

import org.codingkpi.config.PipelineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * Chooses the schema registry from the configuration: without {@code schema.registry.url} the
 * bundled in-process one (the five event schemas under fixed ids; fine while every producer is this
 * program), with it a {@link RestSchemaRegistry}. Used by {@code run}, {@code import} and
 * {@code simulate}; {@code demo} and {@code replay} always use the bundled one.
 */
public final class SchemaRegistries {
    /** Subject naming of the producers: TopicRecordNameStrategy (default), RecordNameStrategy or TopicNameStrategy. */
    public static final String SUBJECT_NAME_STRATEGY = "schema.registry.subject.name.strategy";
    /** Whether the producers register their schemas (default true) or only look them up. */
    public static final String AUTO_REGISTER = "schema.registry.auto.register";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistries.class);

    private SchemaRegistries() {
    }

    /**
     * The codec of a producer ({@code import}, {@code simulate}) or of the pipeline: the registry of
     * {@link #fromConfig}, with the subject naming ({@value #SUBJECT_NAME_STRATEGY}) and
     * auto-registration ({@value #AUTO_REGISTER}) of the configuration.
     */
    public static EventCodec codec(PipelineConfig config) {
        SubjectNameStrategy naming;
        try {
            naming = SubjectNameStrategy.parse(config.get(SUBJECT_NAME_STRATEGY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SUBJECT_NAME_STRATEGY + ": " + e.getMessage(), e);
        }
        String auto = config.get(AUTO_REGISTER);
        boolean autoRegister = true;
        if (auto != null && !auto.isBlank()) {
            String v = auto.trim().toLowerCase(java.util.Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(AUTO_REGISTER + ": expected true or false, got \"" + auto + "\"");
            }
            autoRegister = v.equals("true");
        }
        return new EventCodec(fromConfig(config), naming, autoRegister);
    }

    /**
     * Where the schema ids of a producer come from, in words for its first output line: the registry's
     * URL, or the bundled registry with what that implies for the consuming pipeline.
     */
    public static String describe(PipelineConfig config) {
        String url = config.get(PipelineConfig.SCHEMA_REGISTRY_URL);
        if (url == null || url.isBlank()) {
            return "the bundled registry (no schema.registry.url): a pipeline reading these records must run without "
                    + "schema.registry.url too";
        }
        return url.trim();
    }

    public static SchemaRegistry fromConfig(PipelineConfig config) {
        String url = config.get(PipelineConfig.SCHEMA_REGISTRY_URL);
        if (url == null || url.isBlank()) {
            LOG.info("No schema.registry.url: using the bundled in-process schema registry");
            return new BundledSchemaRegistry();
        }
        RestSchemaRegistry.Builder b = RestSchemaRegistry.builder(url)
                .basicAuth(config.get(PipelineConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO))
                .bearerToken(config.get(PipelineConfig.SCHEMA_REGISTRY_BEARER_TOKEN));
        String timeout = config.get(PipelineConfig.SCHEMA_REGISTRY_CONNECT_TIMEOUT);
        if (timeout != null && !timeout.isBlank()) {
            b.connectTimeout(PipelineConfig.parseDuration(PipelineConfig.SCHEMA_REGISTRY_CONNECT_TIMEOUT, timeout));
        }
        timeout = config.get(PipelineConfig.SCHEMA_REGISTRY_REQUEST_TIMEOUT);
        if (timeout != null && !timeout.isBlank()) {
            b.requestTimeout(PipelineConfig.parseDuration(PipelineConfig.SCHEMA_REGISTRY_REQUEST_TIMEOUT, timeout));
        }
        String retries = config.get(PipelineConfig.SCHEMA_REGISTRY_RETRIES);
        if (retries != null && !retries.isBlank()) {
            try {
                b.retries(Integer.parseInt(retries.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PipelineConfig.SCHEMA_REGISTRY_RETRIES + ": expected an integer >= 0, got \""
                        + retries + "\"");
            }
        }
        String truststore = config.get(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION);
        if (truststore != null && !truststore.isBlank()) {
            b.sslContext(sslContext(Path.of(truststore.trim()), config.get(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD),
                    config.get(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_TYPE)));
        }
        RestSchemaRegistry registry = b.build();
        LOG.info("Using the schema registry at {}", registry.urls());
        return registry;
    }

    /** A TLS context that trusts the certificates of a truststore file (PKCS12 by default; JKS too). */
    static SSLContext sslContext(Path file, String password, String type) {
        String storeType = type == null || type.isBlank() ? KeyStore.getDefaultType() : type.trim();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(storeType);
            store.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(PipelineConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION + ": cannot load " + file + " as a "
                    + storeType + " truststore (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }
}
