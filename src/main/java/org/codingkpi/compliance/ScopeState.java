package org.codingkpi.compliance;


import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the detector keeps per scope besides its days: the first and last day seen, whether a day of
 * it was evaluated yet (after that, an observation dated before the first day no longer moves the
 * baseline), and the open episode with its peak statistic; for an acceptance scope also the open
 * episode of the lower CUSUM (an acceptance collapse) with its peak.
 */
final class ScopeState {
    private static final byte V1 = 1;
    /** V1 and the lower-CUSUM episode. */
    private static final byte V2 = 2;

    long firstDay;
    long lastDay;
    boolean evaluated;
    String openFindingId;   // null when no episode is open
    double peak;
    String downFindingId;   // the open acceptance-collapse episode, null when none
    double downPeak;

    ScopeState(long day) {
        firstDay = day;
        lastDay = day;
    }

    /** The state format, as a resident store's codec. */
    static final org.codingkpi.state.BufferedStore.ValueCodec<ScopeState> CODEC =
            org.codingkpi.state.BufferedStore.ValueCodec.of(ScopeState::encode, ScopeState::decode);

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(V2);
            out.writeLong(firstDay);
            out.writeLong(lastDay);
            out.writeBoolean(evaluated);
            out.writeBoolean(openFindingId != null);
            if (openFindingId != null) {
                out.writeUTF(openFindingId);
            }
            out.writeDouble(peak);
            out.writeBoolean(downFindingId != null);
            if (downFindingId != null) {
                out.writeUTF(downFindingId);
            }
            out.writeDouble(downPeak);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ScopeState decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            ScopeState s = new ScopeState(in.readLong());
            s.lastDay = in.readLong();
            s.evaluated = in.readBoolean();
            if (in.readBoolean()) {
                s.openFindingId = in.readUTF();
            }
            s.peak = in.readDouble();
            if (version >= V2) {
                if (in.readBoolean()) {
                    s.downFindingId = in.readUTF();
                }
                s.downPeak = in.readDouble();
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
