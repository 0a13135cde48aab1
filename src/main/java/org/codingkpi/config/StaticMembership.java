package org.codingkpi.config;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Static consumer-group membership: a stable {@code group.instance.id} for this instance, so that an
 * instance restarted after a crash takes its own place in the group at once instead of waiting for
 * its killed predecessor's {@code session.timeout.ms} to expire (45 s by default).
 *
 * <p>The id, in order of precedence:
 * <ol>
 *   <li>{@code group.instance.id} as the operator set it (also with a {@code consumer.} or
 *       {@code main.consumer.} prefix): used as it is;</li>
 *   <li>{@code instance.name} ({@code CODING_KPI_INSTANCE_NAME}): used as it is;</li>
 *   <li>discovered: the host name ({@code HOSTNAME}, which is the pod name in Kubernetes, else the
 *       name the operating system reports), then {@code -} and 8 hex digits of a hash of the state
 *       directory's path. Two instances on one host need two state directories (Kafka Streams locks
 *       its directory), so two running instances never share a discovered id.</li>
 * </ol>
 * Kafka Streams gives each stream thread its own id by appending {@code -<thread number>}
 * ({@code StreamsConfig.getMainConsumerConfigs}), so one id per instance is what to configure.
 *
 * <p>Off ({@code static.membership=false}), or when no name can be found, or with
 * {@code group.protocol=streams} (whose membership the broker manages): dynamic membership, no id.
 *
 * <p>On a clean stop an instance with a discovered id leaves the group, so its partitions move to
 * the other instances at once (a discovered name is no promise to come back). An instance whose id
 * the operator named stays in the group: it is expected back (a StatefulSet's rolling restart) and
 * takes its partitions back without a rebalance; if it does not come back they move after
 * {@code session.timeout.ms}.
 */
public final class StaticMembership {
    /** What Kafka accepts in a {@code group.instance.id}. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final List<String> LOCAL_NAMES = List.of("localhost", "localhost.localdomain", "localhost6", "ip6-localhost");

    public enum Source { CONFIGURED, INSTANCE_NAME, DISCOVERED, NONE }

    private final String id;
    private final Source source;
    private final String why;

    private StaticMembership(String id, Source source, String why) {
        this.id = id;
        this.source = source;
        this.why = why;
    }

    /**
     * The membership for an instance with this configuration and state directory; {@code env} and
     * {@code hostName} (the operating system's host name, may return null) are the discovery sources.
     */
    public static StaticMembership resolve(PipelineConfig config, Path stateDir, Map<String, String> env, Supplier<String> hostName) {
        for (String key : List.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
            String v = config.get(key);
            if (v != null && !v.isBlank()) {
                return new StaticMembership(v.trim(), Source.CONFIGURED, key + " is set");
            }
        }
        String on = config.get(PipelineConfig.STATIC_MEMBERSHIP);
        on = on == null || on.isBlank() ? "true" : on.trim().toLowerCase(Locale.ROOT);
        if (on.equals("false")) {
            return none(PipelineConfig.STATIC_MEMBERSHIP + "=false");
        }
        if (!on.equals("true")) {
            throw new IllegalArgumentException(PipelineConfig.STATIC_MEMBERSHIP + ": expected true or false, got \""
                    + config.get(PipelineConfig.STATIC_MEMBERSHIP) + "\"");
        }
        String protocol = config.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        if (protocol != null && protocol.trim().equalsIgnoreCase("streams")) {
            return none("group.protocol=streams");
        }
        String name = config.get(PipelineConfig.INSTANCE_NAME);
        if (name != null && !name.isBlank()) {
            name = name.trim();
            if (!LEGAL.matcher(name).matches()) {
                throw new IllegalArgumentException(PipelineConfig.INSTANCE_NAME + ": expected 1 to 200 characters of a-z, A-Z, 0-9, '.', '_' "
                        + "and '-', got \"" + name + "\"");
            }
            return new StaticMembership(name, Source.INSTANCE_NAME, PipelineConfig.INSTANCE_NAME + " is set");
        }
        String host = hostName(env, hostName);
        if (host == null) {
            return none("no host name to derive it from (set " + PipelineConfig.INSTANCE_NAME + ")");
        }
        return new StaticMembership(host + "-" + hash(stateDir), Source.DISCOVERED, "the host name and the state directory");
    }

    private static StaticMembership none(String why) {
        return new StaticMembership(null, Source.NONE, why);
    }

    /** {@code HOSTNAME}, else the operating system's name; null when neither is usable. */
    static String hostName(Map<String, String> env, Supplier<String> hostName) {
        String fromEnv = usable(env.get("HOSTNAME"));
        return fromEnv != null ? fromEnv : usable(safely(hostName));
    }

    /** The name with anything Kafka does not accept replaced by '-'; null for none or a loopback name. */
    private static String usable(String raw) {
        if (raw == null) {
            return null;
        }
        String clean = raw.trim().replaceAll("[^a-zA-Z0-9._-]", "-");
        if (clean.isEmpty() || LOCAL_NAMES.contains(clean.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return clean.length() > 180 ? clean.substring(0, 180) : clean;
    }

    private static String safely(Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String hash(Path stateDir) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets {@code group.instance.id} in the Kafka Streams properties when this pipeline derived it. */
    public void applyTo(Properties streamsProperties) {
        if (source == Source.INSTANCE_NAME || source == Source.DISCOVERED) {
            streamsProperties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
        }
    }

    /** The id (Kafka appends {@code -<thread>}), empty with dynamic membership. */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    public Source source() {
        return source;
    }

    /**
     * Whether a clean stop leaves the group (its partitions move at once): with dynamic membership
     * and with a discovered id; an id the operator named stays and is expected back.
     */
    public boolean leaveGroupOnClose() {
        return source == Source.NONE || source == Source.DISCOVERED;
    }

    /** One line for the start-up log. */
    public String describe() {
        return switch (source) {
            case NONE -> "dynamic group membership (" + why + ")";
            case DISCOVERED -> "static group membership, group.instance.id " + id + "-<thread> from " + why
                    + "; a clean stop leaves the group";
            default -> "static group membership, group.instance.id " + id + "-<thread> (" + why
                    + "); a clean stop stays in the group (its partitions wait for the restart, up to session.timeout.ms)";
        };
    }
}
