package org.codingkpi.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary serdes of the state the KPI processor keeps. Each format starts with a version byte
 * so that a later release can read an older changelog.
 */
public final class StateSerdes {
    private static final byte V1 = 1;

    private StateSerdes() {
    }

    // ---------------------------------------------------------------------------------------------
    /** KPI series values. */
    public static Serde<double[]> doubles() {
        Serializer<double[]> ser = (topic, v) -> {
            if (v == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate(1 + 8 * v.length).put(V1);
            for (double d : v) {
                b.putDouble(d);
            }
            return b.array();
        };
        Deserializer<double[]> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.get();
            double[] v = new double[(bytes.length - 1) / 8];
            for (int i = 0; i < v.length; i++) {
                v[i] = b.getDouble();
            }
            return v;
        };
        return Serdes.serdeFrom(ser, de);
    }

    // ---------------------------------------------------------------------------------------------
    /**
     * An encounter's attribution: setting and coding mode of its first revision-1 coding, and the
     * encounter feed's stream time just before that coding ({@code feedTimeBeforeMs}): a claim whose
     * wait would have run out before it ({@code feedTimeBeforeMs > claim occurred_at + max wait}) is
     * unknown, whichever topic Kafka Streams drained first.
     */
    public record Attribution(String setting, String codingMode, long feedTimeBeforeMs) {
        public static final Attribution UNKNOWN = new Attribution("unknown", "unknown", Long.MIN_VALUE);

        public boolean aiMode() {
            return "AI_ASSISTED".equals(codingMode) || "AUTONOMOUS".equals(codingMode);
        }
    }

    public static Serde<Attribution> attribution() {
        return Serdes.serdeFrom(
                (topic, a) -> a == null ? null : write(out -> {
                    out.writeUTF(a.setting());
                    out.writeUTF(a.codingMode());
                    out.writeLong(a.feedTimeBeforeMs());
                }),
                (topic, bytes) -> bytes == null ? null : read(bytes, in -> new Attribution(in.readUTF(), in.readUTF(), in.readLong())));
    }

    // ---------------------------------------------------------------------------------------------
    /**
     * What the pipeline remembers of a claim: its attribution once decided, its first adjudication
     * and, for an initial denial, the labels an overturn is counted under.
     */
    public static final class ClaimState {
        public static final byte NONE = 0;
        public static final byte PAID = 1;
        public static final byte DENIED = 2;

        public Attribution attribution;       // null while undecided
        public byte firstOutcome = NONE;
        public boolean overturned;
        public String denialFacility = "";
        public String denialPayer = "";
        public String denialCategory = "";
        /** Stream time of the last update: retention runs from it. */
        public long touchedMs = Long.MIN_VALUE;
    }

    public static Serde<ClaimState> claimState() {
        return Serdes.serdeFrom(
                (topic, c) -> c == null ? null : write(out -> {
                    out.writeBoolean(c.attribution != null);
                    if (c.attribution != null) {
                        out.writeUTF(c.attribution.setting());
                        out.writeUTF(c.attribution.codingMode());
                    }
                    out.writeByte(c.firstOutcome);
                    out.writeBoolean(c.overturned);
                    out.writeUTF(c.denialFacility);
                    out.writeUTF(c.denialPayer);
                    out.writeUTF(c.denialCategory);
                    out.writeLong(c.touchedMs);
                }),
                (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
                    ClaimState c = new ClaimState();
                    if (in.readBoolean()) {
                        c.attribution = new Attribution(in.readUTF(), in.readUTF(), Long.MIN_VALUE);
                    }
                    c.firstOutcome = in.readByte();
                    c.overturned = in.readBoolean();
                    c.denialFacility = in.readUTF();
                    c.denialPayer = in.readUTF();
                    c.denialCategory = in.readUTF();
                    c.touchedMs = in.readLong();
                    return c;
                }));
    }

    // ---------------------------------------------------------------------------------------------
    /** A claim event waiting for its encounter's first coding, with its original bytes. */
    public record PendingClaimEvent(String claimId, long occurredAtMs, byte[] value) {
    }

    public static Serde<List<PendingClaimEvent>> pendingClaims() {
        return Serdes.serdeFrom(
                (topic, list) -> list == null ? null : write(out -> {
                    out.writeInt(list.size());
                    for (PendingClaimEvent p : list) {
                        out.writeUTF(p.claimId());
                        out.writeLong(p.occurredAtMs());
                        out.writeInt(p.value().length);
                        out.write(p.value());
                    }
                }),
                (topic, bytes) -> bytes == null ? null : read(bytes, in -> {
                    int n = in.readInt();
                    List<PendingClaimEvent> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        String claim = in.readUTF();
                        long t = in.readLong();
                        byte[] v = new byte[in.readInt()];
                        in.readFully(v);
                        list.add(new PendingClaimEvent(claim, t, v));
                    }
                    return list;
                }));
    }

    // ---------------------------------------------------------------------------------------------
    /** An encounter discharged and not final coded yet (DNFC), with its published labels. */
    public record DnfcEntry(long dischargedAtMs, long expectedChargeCents, String facility, String setting) {
    }

    public static Serde<DnfcEntry> dnfc() {
        return Serdes.serdeFrom(
                (topic, d) -> d == null ? null : write(out -> {
                    out.writeLong(d.dischargedAtMs());
                    out.writeLong(d.expectedChargeCents());
                    out.writeUTF(d.facility());
                    out.writeUTF(d.setting());
                }),
                (topic, bytes) -> bytes == null ? null : read(bytes, in -> new DnfcEntry(in.readLong(), in.readLong(), in.readUTF(), in.readUTF())));
    }

    // ---------------------------------------------------------------------------------------------
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface ReaderFn<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(V1);
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, ReaderFn<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.readByte();
            return r.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
