package org.codingkpi.topology;

import org.codingkpi.config.PipelineConfig;
import org.codingkpi.kpi.DenialCategorizer;
import org.codingkpi.serde.BundledSchemaRegistry;
import org.codingkpi.serde.EventCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole topology is pinned: store and topic names are part of the deployment (changelogs,
 * repartition topics; renaming one loses state), and a rewiring must be a deliberate change of the
 * golden file. To accept a deliberate change: {@code mvn test -Dtest=TopologyNamingTest -Dgolden.update=true}.
 */
class TopologyNamingTest {
    private static final Path GOLDEN = Path.of("src/test/resources/topology.golden.txt");
    /** The topology with {@code claims.partitioned.by=encounter_id}: the claims read in the KPI tasks. */
    private static final Path GOLDEN_CLAIMS_IN_PLACE = Path.of("src/test/resources/topology-claims-in-place.golden.txt");

    @Test
    void topologyEqualsTheGoldenDescription() throws IOException {
        assertGolden(Map.of(), GOLDEN);
    }

    @Test
    void topologyWithClaimsPartitionedByEncounterEqualsItsGoldenDescription() throws IOException {
        assertGolden(Map.of(PipelineConfig.CLAIMS_PARTITIONED_BY, "encounter_id"), GOLDEN_CLAIMS_IN_PLACE);
    }

    private static void assertGolden(Map<String, String> settings, Path golden) throws IOException {
        String described = CodingKpiTopology.buildTopology(PipelineConfig.of(settings), new EventCodec(new BundledSchemaRegistry()),
                DenialCategorizer.defaults(), 6, EventObserver.NONE).describe().toString();
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, described, StandardCharsets.UTF_8);
        }
        assertThat(described).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
