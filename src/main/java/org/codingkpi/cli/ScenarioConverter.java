package org.codingkpi.cli;

import org.codingkpi.simulator.Scenario;
import picocli.CommandLine.ITypeConverter;

/** {@code --scenario rubber-stamp}: a simulator scenario by its command-line name. */
final class ScenarioConverter implements ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String value) {
        return Scenario.parse(value);
    }
}
