package org.codingkpi.security;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.codingkpi.config.PipelineConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails fast and clearly when a command cannot use the cluster as configured: before anything is written,
 * {@link #check} connects with the command's settings and asks which operations the principal may perform on
 * the resources it needs ({@link PipelineAcls}). A wrong password, an untrusted or expired certificate, a
 * plaintext client on a TLS listener or a missing ACL become one message naming the listener
 * ({@code bootstrap.servers} and {@code security.protocol}), the cause and the setting to check; never a secret.
 */
public final class KafkaAccess {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private KafkaAccess() {
    }

    /** "Kafka at 127.0.0.1:9096 (security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512)". */
    public static String listener(PipelineConfig c) {
        String protocol = protocol(c);
        String s = "Kafka at " + c.get(PipelineConfig.BOOTSTRAP_SERVERS) + " (security.protocol=" + protocol;
        if (protocol.startsWith("SASL")) {
            String mechanism = c.get(SaslConfigs.SASL_MECHANISM);
            s += ", sasl.mechanism=" + (mechanism == null ? "GSSAPI" : mechanism);
        }
        return s + ")";
    }

    private static String protocol(PipelineConfig c) {
        String p = c.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        return p == null ? "PLAINTEXT" : p.trim().toUpperCase(Locale.ROOT);
    }

    /**
     * Checks that the cluster answers with these settings and that the principal holds every grant of
     * {@code required} on the resources that exist (topics prefixed by a pattern are checked on the existing
     * ones). Throws {@link IllegalStateException} with the reason otherwise.
     */
    public static void check(PipelineConfig c, List<PipelineAcls.Grant> required, Duration timeout) {
        check(c, required, Set.of(), timeout);
    }

    /** @param mayBeAbsent topics that need not exist yet (checked only when they do) */
    public static void check(PipelineConfig c, List<PipelineAcls.Grant> required, Set<String> mayBeAbsent, Duration timeout) {
        checkClientCertificate(c);
        probeTls(c);
        Map<String, Object> props = new HashMap<>(c.clientProperties());
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "coding-kpi-access-check");
        try (Admin admin = Admin.create(props)) {
            Map<String, Set<AclOperation>> topics = new LinkedHashMap<>();
            Set<String> prefixes = new LinkedHashSet<>();
            List<PipelineAcls.Grant> groups = new ArrayList<>();
            for (PipelineAcls.Grant g : required) {
                if (g.type() == ResourceType.TOPIC && g.pattern() == PatternType.LITERAL) {
                    topics.computeIfAbsent(g.name(), k -> new LinkedHashSet<>()).add(g.operation());
                } else if (g.type() == ResourceType.TOPIC) {
                    prefixes.add(g.name());
                } else if (g.type() == ResourceType.GROUP) {
                    groups.add(g);
                }
            }
            if (!prefixes.isEmpty()) {
                for (String t : admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS)) {
                    for (PipelineAcls.Grant g : required) {
                        if (g.type() == ResourceType.TOPIC && g.pattern() == PatternType.PREFIXED && t.startsWith(g.name())) {
                            topics.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(g.operation());
                        }
                    }
                }
            }
            Map<String, TopicDescription> described = new HashMap<>();
            for (String t : topics.keySet()) {
                try {
                    described.put(t, admin.describeTopics(List.of(t), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                            .allTopicNames().get(ms, TimeUnit.MILLISECONDS).get(t));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicAuthorizationException) {
                        // not even DESCRIBE, which READ and WRITE imply: name what the command needs on it
                        throw missing(c, String.join(", ", topics.get(t).stream().map(Enum::name).toList()) + " on topic " + t);
                    }
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        if (mayBeAbsent.contains(t)) {
                            continue;
                        }
                        throw new IllegalStateException(listener(c) + ": topic " + t + " does not exist; create it first (docs/operations.md)");
                    }
                    throw e;
                }
            }
            for (Map.Entry<String, Set<AclOperation>> e : topics.entrySet()) {
                if (!described.containsKey(e.getKey())) {
                    continue;
                }
                Set<AclOperation> granted = described.get(e.getKey()).authorizedOperations();
                for (AclOperation op : e.getValue()) {
                    if (granted != null && !implied(granted, op)) {
                        throw missing(c, op + " on topic " + e.getKey());
                    }
                }
            }
            for (PipelineAcls.Grant g : groups) {
                ConsumerGroupDescription d;
                try {
                    d = admin.describeConsumerGroups(List.of(g.name()), new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                            .all().get(ms, TimeUnit.MILLISECONDS).get(g.name());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                        // a first start: nothing to check yet (Kafka Streams reports a missing READ when it joins)
                        continue;
                    }
                    throw e;
                }
                if (d != null && d.authorizedOperations() != null && !implied(d.authorizedOperations(), g.operation())) {
                    throw missing(c, g.operation() + " on group " + g.name());
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(explain(c, e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(listener(c) + " did not answer within " + timeout.toSeconds()
                    + " s: check bootstrap.servers, the network, and that security.protocol matches the listener");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + listener(c));
        }
    }

    private static boolean implied(Set<AclOperation> granted, AclOperation op) {
        return granted.contains(op) || granted.contains(AclOperation.ALL);
    }

    private static IllegalStateException missing(PipelineConfig c, String permission) {
        return new IllegalStateException(listener(c) + ": missing permission " + permission
                + " for this principal; grant the ACLs of docs/operations.md (Security, ACLs)");
    }

    /** The cause of a Kafka client failure, in words, with the listener and the setting to check. */
    public static String explain(PipelineConfig c, Throwable t) {
        Throwable cause = t;
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof AuthenticationException || x instanceof AuthorizationException) {
                cause = x;
                break;
            }
        }
        String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof SaslAuthenticationException) {
            return listener(c) + ": authentication failed (" + m + "); check the user name and password in sasl.jaas.config";
        }
        if (cause instanceof SslAuthenticationException) {
            String root = rootMessage(cause);
            return listener(c) + ": TLS handshake failed (" + root + "); check ssl.truststore.* (the broker's CA) and, for client certificates, "
                    + "ssl.keystore.* (a certificate the broker trusts, not expired)";
        }
        if (cause instanceof AuthenticationException) {
            return listener(c) + ": authentication failed (" + m + ")";
        }
        if (cause instanceof TopicAuthorizationException tae) {
            String topics = tae.unauthorizedTopics().isEmpty() ? "a topic" : "topic " + String.join(", ", tae.unauthorizedTopics());
            return listener(c) + ": missing permission on " + topics + " (" + m
                    + "); grant the ACLs of docs/operations.md (Security, ACLs)";
        }
        if (cause instanceof GroupAuthorizationException gae) {
            return listener(c) + ": missing permission READ on group " + gae.groupId() + " (" + m + "); grant the ACLs of docs/operations.md";
        }
        if (cause instanceof TransactionalIdAuthorizationException) {
            return listener(c) + ": missing permission WRITE on the transactional ids prefixed " + c.get(PipelineConfig.APPLICATION_ID) + "- ("
                    + m + "); grant the ACLs of docs/operations.md";
        }
        if (cause instanceof ClusterAuthorizationException || cause instanceof AuthorizationException) {
            return listener(c) + ": not authorized (" + m + "); grant the ACLs of docs/operations.md";
        }
        return listener(c) + ": " + m;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    }

    /**
     * The client certificate of {@code ssl.keystore.location}, checked here because the broker only closes the
     * connection on an expired one: an expired (or not yet valid) certificate is named with its dates.
     */
    static void checkClientCertificate(PipelineConfig c) {
        String location = c.get("ssl.keystore.location");
        if (location == null || location.isBlank() || !protocol(c).endsWith("SSL")) {
            return;
        }
        String type = c.get("ssl.keystore.type");
        String password = c.get("ssl.keystore.password");
        java.security.KeyStore store;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(location.trim()))) {
            store = java.security.KeyStore.getInstance(type == null || type.isBlank() ? "JKS" : type.trim());
            store.load(in, password == null ? null : password.toCharArray());
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(listener(c) + ": ssl.keystore.location: cannot load " + location + " ("
                    + e.getClass().getSimpleName() + "; check ssl.keystore.type and ssl.keystore.password)");
        }
        try {
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
                    try {
                        cert.checkValidity();
                    } catch (java.security.cert.CertificateExpiredException e) {
                        throw new IllegalStateException(listener(c) + ": the client certificate " + cert.getSubjectX500Principal().getName()
                                + " in ssl.keystore.location " + location + " expired on " + cert.getNotAfter().toInstant()
                                + "; the broker will refuse it: renew it");
                    } catch (java.security.cert.CertificateNotYetValidException e) {
                        throw new IllegalStateException(listener(c) + ": the client certificate " + cert.getSubjectX500Principal().getName()
                                + " in ssl.keystore.location " + location + " is not valid before " + cert.getNotBefore().toInstant());
                    }
                }
            }
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(listener(c) + ": ssl.keystore.location: " + e.getMessage());
        }
    }

    /**
     * A plaintext client on a TLS listener sees only closed connections and retries until its timeout. So
     * before a PLAINTEXT or SASL_PLAINTEXT client starts, each bootstrap address is asked for a TLS
     * handshake (no certificate is checked, nothing is sent after it): if it answers as a TLS server, the
     * settings are wrong, and we say so at once.
     */
    static void probeTls(PipelineConfig c) {
        String protocol = protocol(c);
        if (!protocol.equals("PLAINTEXT") && !protocol.equals("SASL_PLAINTEXT")) {
            return;
        }
        String servers = c.get(PipelineConfig.BOOTSTRAP_SERVERS);
        for (String address : servers.split(",")) {
            String a = address.trim();
            int colon = a.lastIndexOf(':');
            if (a.isEmpty() || colon < 0) {
                continue;
            }
            String host = a.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(a.substring(colon + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (speaksTls(host, port)) {
                throw new IllegalStateException(listener(c) + ": " + a + " is a TLS listener, but security.protocol is " + protocol
                        + "; set security.protocol=SSL (client certificates) or SASL_SSL and the ssl.* settings");
            }
        }
    }

    static boolean speaksTls(String host, int port) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
            plain.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, false)) {
                tls.startHandshake();
                return true;
            } catch (SSLHandshakeException e) {
                // a TLS server that refused us (no client certificate) still answered in TLS
                return e.getMessage() != null && e.getMessage().contains("Received fatal alert");
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            // nothing listens, or not TLS: the Kafka client reports what it finds
            return false;
        }
    }
}
