package org.codingkpi.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, checked: packages depend on each other one way only; the KPI rules (the
 * domain core) import nothing of Kafka; configuration imports nothing of the topology.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.codingkpi");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.codingkpi.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void kpiRulesImportNoKafka() {
        noClasses().that().resideInAPackage("org.codingkpi.kpi..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(MAIN);
    }

    @Test
    void roiModelImportsNoKafka() {
        noClasses().that().resideInAPackage("org.codingkpi.roi..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(MAIN);
    }

    @Test
    void configurationImportsNoTopology() {
        noClasses().that().resideInAPackage("org.codingkpi.config..")
                .should().dependOnClassesThat().resideInAnyPackage("org.codingkpi.topology..", "org.codingkpi.compliance..",
                        "org.codingkpi.state..", "org.codingkpi.app..")
                .check(MAIN);
    }
}
