package org.codingkpi.compliance;


import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * One day of one scope in the detector: counts (layout per {@link Scope}, see {@link ComplianceEngine})
 * and evidence samples by slot (0 for decisions; the E/M level slot for E/M codes). Samples are
 * dropped once the day leaves the window; counts stay as long as the statistic needs them.
 */
final class DayRecord {
    private static final byte V1 = 1;

    final long[] counts;
    final Map<Integer, Sample> samples = new TreeMap<>();

    DayRecord(int slots) {
        counts = new long[slots];
    }

    Sample sample(int slot, int k) {
        return samples.computeIfAbsent(slot, s -> new Sample(k));
    }

    /** Adds another record of the same scope and day: counts add up, samples merge (order-free). */
    void merge(DayRecord other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        other.samples.forEach((slot, sample) -> samples.computeIfAbsent(slot, s -> new Sample(sample.k())).addAll(sample));
    }

    double[] countsAsDoubles() {
        double[] d = new double[counts.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = counts[i];
        }
        return d;
    }

    /** The state format, as a resident store's codec. */
    static final org.codingkpi.state.BufferedStore.ValueCodec<DayRecord> CODEC =
            org.codingkpi.state.BufferedStore.ValueCodec.of(DayRecord::encode, DayRecord::decode);

    byte[] encode() {
        org.codingkpi.kpi.BinaryWriter out = org.codingkpi.kpi.BinaryWriter.get();
        out.writeByte(V1);
        out.writeShort(counts.length);
        for (long c : counts) {
            out.writeLong(c);
        }
        out.writeShort(samples.size());
        for (Map.Entry<Integer, Sample> e : samples.entrySet()) {
            out.writeShort(e.getKey());
            out.writeShort(e.getValue().k());
            var ids = e.getValue().ids();
            out.writeShort(ids.size());
            for (String id : ids) {
                out.writeUTF(id);
            }
        }
        return out.toByteArray();
    }

    static DayRecord decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            in.readByte();
            DayRecord r = new DayRecord(in.readShort());
            for (int i = 0; i < r.counts.length; i++) {
                r.counts[i] = in.readLong();
            }
            int groups = in.readShort();
            for (int g = 0; g < groups; g++) {
                int slot = in.readShort();
                Sample s = r.sample(slot, in.readShort());
                int n = in.readShort();
                for (int i = 0; i < n; i++) {
                    s.add(in.readUTF());
                }
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
