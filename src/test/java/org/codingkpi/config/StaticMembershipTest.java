package org.codingkpi.config;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stable group.instance.id of docs/operations.md (Restarts): where it comes from, when it is off. */
class StaticMembershipTest {
    private static final Path STATE = Path.of("/var/lib/coding-kpi");
    private static final Supplier<String> NO_HOST = () -> null;

    private static PipelineConfig config(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put(PipelineConfig.BOOTSTRAP_SERVERS, "kafka:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return PipelineConfig.of(m);
    }

    @Test
    void byDefaultTheIdIsThePodNameAndAHashOfTheStateDirectory() {
        StaticMembership m = StaticMembership.resolve(config(), STATE, Map.of("HOSTNAME", "coding-kpi-0"), () -> "ignored");
        assertThat(m.source()).isEqualTo(StaticMembership.Source.DISCOVERED);
        assertThat(m.id()).hasValueSatisfying(id -> assertThat(id).matches("coding-kpi-0-[0-9a-f]{8}"));
        assertThat(m.leaveGroupOnClose()).as("a discovered name is no promise to come back: a clean stop leaves the group").isTrue();
    }

    @Test
    void theDiscoveredIdIsStableAcrossRestartsAndDistinctPerStateDirectory() {
        Map<String, String> env = Map.of("HOSTNAME", "host-a");
        String first = StaticMembership.resolve(config(), STATE, env, NO_HOST).id().orElseThrow();
        assertThat(StaticMembership.resolve(config(), Path.of("/var/lib/coding-kpi/"), env, NO_HOST).id()).hasValue(first);
        assertThat(StaticMembership.resolve(config(), Path.of("/var/lib/coding-kpi-2"), env, NO_HOST).id()).isPresent().get().isNotEqualTo(first);
        assertThat(StaticMembership.resolve(config(), STATE, Map.of("HOSTNAME", "host-b"), NO_HOST).id()).isPresent().get().isNotEqualTo(first);
    }

    @Test
    void withoutHostnameVariableTheOperatingSystemsHostNameIsUsed() {
        StaticMembership m = StaticMembership.resolve(config(), STATE, Map.of(), () -> "worker 7.example.org");
        assertThat(m.id()).hasValueSatisfying(id -> assertThat(id).startsWith("worker-7.example.org-"));
    }

    @Test
    void withoutAUsableHostNameMembershipIsDynamic() {
        for (Supplier<String> host : java.util.List.<Supplier<String>>of(NO_HOST, () -> "localhost", () -> {
            throw new IllegalStateException("no DNS");
        })) {
            StaticMembership m = StaticMembership.resolve(config(), STATE, Map.of(), host);
            assertThat(m.source()).isEqualTo(StaticMembership.Source.NONE);
            assertThat(m.id()).isEmpty();
            assertThat(m.leaveGroupOnClose()).isTrue();
        }
    }

    @Test
    void aConfiguredInstanceNameIsTheIdAndTheInstanceStaysInTheGroupOnAStop() {
        StaticMembership m = StaticMembership.resolve(PipelineConfig.load(null, Map.of("CODING_KPI_INSTANCE_NAME", "kpi-east-1")),
                STATE, Map.of("HOSTNAME", "pod"), NO_HOST);
        assertThat(m.source()).isEqualTo(StaticMembership.Source.INSTANCE_NAME);
        assertThat(m.id()).hasValue("kpi-east-1");
        assertThat(m.leaveGroupOnClose()).as("a named instance is expected back (rolling restart)").isFalse();
    }

    @Test
    void anInstanceNameKafkaWouldRejectIsAConfigurationError() {
        assertThatThrownBy(() -> StaticMembership.resolve(config(PipelineConfig.INSTANCE_NAME, "kpi/east 1"), STATE, Map.of(), NO_HOST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instance.name").hasMessageContaining("kpi/east 1");
    }

    @Test
    void anExplicitGroupInstanceIdIsLeftAsItIs() {
        for (String key : new String[] {"group.instance.id", "consumer.group.instance.id", "main.consumer.group.instance.id"}) {
            PipelineConfig c = config(key, "mine", PipelineConfig.INSTANCE_NAME, "other");
            StaticMembership m = StaticMembership.resolve(c, STATE, Map.of("HOSTNAME", "pod"), NO_HOST);
            assertThat(m.source()).as(key).isEqualTo(StaticMembership.Source.CONFIGURED);
            assertThat(m.id()).as(key).hasValue("mine");
            assertThat(m.leaveGroupOnClose()).as(key).isFalse();
            Properties p = c.streamsProperties();
            m.applyTo(p);
            assertThat(p).as(key).isEqualTo(c.streamsProperties());
        }
    }

    @Test
    void staticMembershipCanBeTurnedOff() {
        StaticMembership m = StaticMembership.resolve(PipelineConfig.load(null, Map.of("CODING_KPI_STATIC_MEMBERSHIP", "false",
                "CODING_KPI_INSTANCE_NAME", "kpi-0")), STATE, Map.of("HOSTNAME", "pod"), NO_HOST);
        assertThat(m.source()).isEqualTo(StaticMembership.Source.NONE);
        Properties p = new Properties();
        m.applyTo(p);
        assertThat(p).isEmpty();
        assertThatThrownBy(() -> StaticMembership.resolve(config(PipelineConfig.STATIC_MEMBERSHIP, "no"), STATE, Map.of(), NO_HOST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("static.membership");
    }

    @Test
    void theStreamsRebalanceProtocolKeepsDynamicMembership() {
        StaticMembership m = StaticMembership.resolve(config(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams"), STATE, Map.of("HOSTNAME", "pod"), NO_HOST);
        assertThat(m.id()).isEmpty();
    }

    @Test
    void kafkaStreamsGivesEachStreamThreadItsOwnIdAndTheProjectKeysStayOut() {
        PipelineConfig c = config(StreamsConfig.APPLICATION_ID_CONFIG, "coding-kpi", StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2");
        StaticMembership m = StaticMembership.resolve(c, STATE, Map.of("HOSTNAME", "coding-kpi-0"), NO_HOST);
        Properties props = c.streamsProperties();
        m.applyTo(props);
        StreamsConfig streams = new StreamsConfig(props);
        String id = m.id().orElseThrow();
        assertThat(streams.getMainConsumerConfigs("coding-kpi", "c-1", 1)).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id + "-1")
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000");
        assertThat(streams.getMainConsumerConfigs("coding-kpi", "c-2", 2)).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id + "-2");
        assertThat(streams.getRestoreConsumerConfigs("r")).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        assertThat(props).doesNotContainKeys(PipelineConfig.INSTANCE_NAME, PipelineConfig.STATIC_MEMBERSHIP);
    }
}
