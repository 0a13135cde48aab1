package org.codingkpi.compliance;

import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingStatus;
import org.codingkpi.events.EventType;
import org.codingkpi.simulator.SimEvent;
import org.codingkpi.simulator.Simulator;
import org.codingkpi.simulator.SimulatorConfig;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulation through the detector's logic without Kafka, the way the topology feeds it (the same
 * {@link Observations}, an hourly clock tick of one partition): fast enough for 120 days at full
 * volume. The topology itself is covered by {@link ComplianceTopologyTest}.
 */
final class ScenarioRun {
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;

    /** A finding and the simulated day (from the simulation's start) whose evaluation produced it. */
    record Raised(int day, AuditFinding finding) {
        @Override
        public String toString() {
            return "day " + day + " " + finding.getStatus() + " " + finding.getFindingId();
        }
    }

    private ScenarioRun() {
    }

    static List<Raised> run(SimulatorConfig sim, ComplianceConfig config) {
        ComplianceEngine engine = new ComplianceEngine(config, 1, Table.inMemory(), Table.inMemory(), Table.inMemory(), Table.inMemory());
        long startDay = Math.floorDiv(sim.start().toEpochMilli(), DAY);
        List<Raised> out = new ArrayList<>();
        long streamTime = Long.MIN_VALUE;
        long nextTick = Long.MIN_VALUE;
        Simulator s = new Simulator(sim);
        while (s.hasNext()) {
            SimEvent e = s.next();
            if (e.kind() != SimEvent.Kind.ORIGINAL) {
                continue; // the pipeline drops duplicates and dead-letters invalid lines before the detector
            }
            long t = EventType.occurredAtMs(e.event());
            if (t > streamTime) {
                streamTime = t;
                if (t >= nextTick) {
                    for (AuditFinding f : engine.tick(0, t)) {
                        Instant at = f.getStatus() == FindingStatus.OPEN ? f.getRaisedAt() : f.getClosedAt();
                        out.add(new Raised((int) (Math.floorDiv(at.toEpochMilli(), DAY) - 1 - startDay), f));
                    }
                    nextTick = (Math.floorDiv(t, HOUR) + 1) * HOUR;
                }
            }
            Observations.of(e.event(), config.oversightRules(), (scope, o) -> {
                for (AuditFinding f : engine.observe(scope, o)) {
                    out.add(new Raised((int) (Math.floorDiv(f.getRaisedAt().toEpochMilli(), DAY) - startDay), f));
                }
            });
        }
        return out;
    }
}
