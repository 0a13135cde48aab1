package org.codingkpi.compliance;

import org.codingkpi.kpi.EmLevels;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the compliance processor sends the detector over the {@code compliance-by-scope}
 * repartition topic: one fact about one scope (keyed by {@link Scope}), or a clock tick of an
 * upstream task (sent to every partition), from which the detector knows when a day is complete.
 *
 * @param type          {@link #DECISION} (an AI suggestion decision, for the specialty/model and the coder
 *                      scope), {@link #EM_CODE} (a revision-1 E/M code) or {@link #TICK}
 * @param day           epoch day of the event's occurred_at
 * @param accepted      the decision was ACCEPTED
 * @param reviewSeconds review time of the decision
 * @param level         E/M level slot ({@link EmLevels})
 * @param encounterId   the encounter, for the evidence sample (never logged)
 * @param partition     the upstream task's partition (tick)
 * @param timeMs        the upstream task's stream time (tick); the coding's occurred_at (breach)
 * @param breach        what a {@link #BREACH} is about
 */
record Observation(byte type, long day, boolean accepted, double reviewSeconds, int level, String encounterId,
                   int partition, long timeMs, DayRecord aggregate, Breach breach) {
    static final byte DECISION = 'D';
    static final byte EM_CODE = 'E';
    static final byte TICK = 'T';
    /** The observations of one scope and day that a task made since its last tick, merged ({@link DayRecord}). */
    static final byte AGGREGATE = 'A';
    /**
     * An autonomous revision-1 coding that a mandatory-review rule forbids (KPIS.md §5, version 2): sent
     * to the detector at once, not through the outbox, so the finding is raised at once.
     */
    static final byte BREACH = 'B';

    /** The coding and the rule of an oversight breach (the encounter id is the observation's). */
    record Breach(String rule, String facility, String specialty, String modelVersion, String setting, long chargeCents,
                  Long ruleMinChargeCents) {
    }
    private static final byte V1 = 1;

    static Observation decision(long day, boolean accepted, double reviewSeconds, String encounterId) {
        return new Observation(DECISION, day, accepted, reviewSeconds, -1, encounterId, -1, 0, null, null);
    }

    static Observation emCode(long day, int level, String encounterId) {
        return new Observation(EM_CODE, day, false, 0, level, encounterId, -1, 0, null, null);
    }

    static Observation tick(int partition, long timeMs) {
        return new Observation(TICK, 0, false, 0, -1, "", partition, timeMs, null, null);
    }

    static Observation aggregate(long day, DayRecord counts) {
        return new Observation(AGGREGATE, day, false, 0, -1, "", -1, 0, counts, null);
    }

    static Observation breach(long occurredAtMs, String encounterId, Breach breach) {
        return new Observation(BREACH, Math.floorDiv(occurredAtMs, ComplianceConfig.DAY_MS), false, 0, -1, encounterId, -1,
                occurredAtMs, null, breach);
    }

    boolean isTick() {
        return type == TICK;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(V1);
            out.writeByte(type);
            switch (type) {
                case TICK -> {
                    out.writeInt(partition);
                    out.writeLong(timeMs);
                }
                case AGGREGATE -> {
                    out.writeInt((int) day);
                    byte[] r = aggregate.encode();
                    out.writeInt(r.length);
                    out.write(r);
                }
                case BREACH -> {
                    out.writeLong(timeMs);
                    out.writeUTF(encounterId);
                    out.writeUTF(breach.rule());
                    out.writeUTF(breach.facility());
                    out.writeUTF(breach.specialty());
                    out.writeBoolean(breach.modelVersion() != null);
                    if (breach.modelVersion() != null) {
                        out.writeUTF(breach.modelVersion());
                    }
                    out.writeUTF(breach.setting());
                    out.writeLong(breach.chargeCents());
                    out.writeLong(breach.ruleMinChargeCents() == null ? -1 : breach.ruleMinChargeCents());
                }
                case DECISION -> {
                    out.writeInt((int) day);
                    out.writeBoolean(accepted);
                    out.writeDouble(reviewSeconds);
                    out.writeUTF(encounterId);
                }
                default -> {
                    out.writeInt((int) day);
                    out.writeByte(level);
                    out.writeUTF(encounterId);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Observation decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            in.readByte();
            byte type = in.readByte();
            return switch (type) {
                case TICK -> tick(in.readInt(), in.readLong());
                case AGGREGATE -> {
                    long day = in.readInt();
                    byte[] r = new byte[in.readInt()];
                    in.readFully(r);
                    yield aggregate(day, DayRecord.decode(r));
                }
                case BREACH -> {
                    long time = in.readLong();
                    String encounter = in.readUTF();
                    String rule = in.readUTF();
                    String facility = in.readUTF();
                    String specialty = in.readUTF();
                    String model = in.readBoolean() ? in.readUTF() : null;
                    String setting = in.readUTF();
                    long charge = in.readLong();
                    long min = in.readLong();
                    yield breach(time, encounter, new Breach(rule, facility, specialty, model, setting, charge, min < 0 ? null : min));
                }
                case DECISION -> {
                    long day = in.readInt();
                    boolean accepted = in.readBoolean();
                    double seconds = in.readDouble();
                    yield decision(day, accepted, seconds, in.readUTF());
                }
                case EM_CODE -> {
                    long day = in.readInt();
                    int level = in.readByte();
                    yield emCode(day, level, in.readUTF());
                }
                default -> throw new IllegalArgumentException("unknown observation type " + type);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        // no identifiers
        return "Observation[" + (char) type + " day " + day + "]";
    }
}
