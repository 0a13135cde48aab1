package org.codingkpi.security;

import org.codingkpi.config.PipelineConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACL table of docs/operations.md is {@link PipelineAcls#markdown} for the default configuration: the
 * list that PipelineAclsIT grants (and nothing else) and that {@code run} checks at start-up.
 * Regenerate: {@code java -jar target/coding-kpi.jar config --acls User:coding-kpi} prints the same as commands.
 */
class OperationsDocTest {
    @Test
    void theDocumentedAclsAreExactlyTheOnesTheTestsGrant() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("docs/operations.md"));
        String table = PipelineAcls.markdown(PipelineConfig.of(Map.of()));
        assertThat(doc).as("docs/operations.md must carry this table verbatim:\n" + table).contains(table);
    }
}
