package org.codingkpi.kpi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the pipeline remembers of one encounter, in one state entry: the event ids accepted
 * for it (per feed, for duplicates), its discharge while it is not final coded (DNFC), its
 * attribution, its claims and their first adjudication, and the claim events waiting for its first
 * coding. One entry means one read and at most one write per commit however many events of the
 * encounter arrive, instead of one store operation per rule.
 *
 * <p>Each part expires on the clock of the feed that owns it (see {@link KpiEngine}); an entry whose
 * parts have all expired is deleted.
 */
public final class EncounterRecord {
    private static final byte FORMAT = 1;

    /** An event id accepted from a feed, with that feed's clock when it was accepted. */
    public record Seen(Feed feed, String eventId, long atMs) {
    }

    public final List<Seen> seen = new ArrayList<>(4);
    /** Set from discharge until the first revision-1 coding: the encounter is DNFC. */
    public DnfcEntry dnfc;
    /** The first revision-1 coding's attribution, and the encounter feed's clock when it was made. */
    public Attribution attribution;
    public long attributedAtMs = Long.MIN_VALUE;
    public final Map<String, ClaimState> claims = new LinkedHashMap<>(2);
    public final List<PendingClaimEvent> pending = new ArrayList<>(0);

    public boolean isEmpty() {
        return seen.isEmpty() && dnfc == null && attribution == null && claims.isEmpty() && pending.isEmpty();
    }

    // --- binary form -----------------------------------------------------------------------------

    public static byte[] encode(EncounterRecord r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeShort(r.seen.size());
            for (Seen s : r.seen) {
                out.writeByte(s.feed().ordinal());
                out.writeUTF(s.eventId());
                out.writeLong(s.atMs());
            }
            out.writeBoolean(r.dnfc != null);
            if (r.dnfc != null) {
                out.writeLong(r.dnfc.dischargedAtMs());
                out.writeLong(r.dnfc.expectedChargeCents());
                out.writeUTF(r.dnfc.facility());
                out.writeUTF(r.dnfc.setting());
            }
            out.writeBoolean(r.attribution != null);
            if (r.attribution != null) {
                writeAttribution(out, r.attribution);
                out.writeLong(r.attributedAtMs);
            }
            out.writeShort(r.claims.size());
            for (Map.Entry<String, ClaimState> e : r.claims.entrySet()) {
                ClaimState c = e.getValue();
                out.writeUTF(e.getKey());
                out.writeBoolean(c.attribution != null);
                if (c.attribution != null) {
                    writeAttribution(out, c.attribution);
                }
                out.writeByte(c.firstOutcome);
                out.writeBoolean(c.overturned);
                out.writeUTF(c.denialFacility);
                out.writeUTF(c.denialPayer);
                out.writeUTF(c.denialCategory);
                out.writeLong(c.touchedMs);
            }
            out.writeShort(r.pending.size());
            for (PendingClaimEvent p : r.pending) {
                out.writeUTF(p.claimId());
                out.writeLong(p.occurredAtMs());
                out.writeInt(p.value().length);
                out.write(p.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static EncounterRecord decode(byte[] bytes) {
        EncounterRecord r = new EncounterRecord();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("encounter state format " + format + " is not readable by this release; "
                        + "rebuild the state from the input topics (see the upgrade notes)");
            }
            Feed[] feeds = Feed.values();
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                r.seen.add(new Seen(feeds[in.readByte()], in.readUTF(), in.readLong()));
            }
            if (in.readBoolean()) {
                r.dnfc = new DnfcEntry(in.readLong(), in.readLong(), in.readUTF(), in.readUTF());
            }
            if (in.readBoolean()) {
                r.attribution = readAttribution(in);
                r.attributedAtMs = in.readLong();
            }
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                String id = in.readUTF();
                ClaimState c = new ClaimState();
                if (in.readBoolean()) {
                    c.attribution = readAttribution(in);
                }
                c.firstOutcome = in.readByte();
                c.overturned = in.readBoolean();
                c.denialFacility = in.readUTF();
                c.denialPayer = in.readUTF();
                c.denialCategory = in.readUTF();
                c.touchedMs = in.readLong();
                r.claims.put(id, c);
            }
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                String claim = in.readUTF();
                long t = in.readLong();
                byte[] v = new byte[in.readInt()];
                in.readFully(v);
                r.pending.add(new PendingClaimEvent(claim, t, v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    private static void writeAttribution(DataOutputStream out, Attribution a) throws IOException {
        out.writeUTF(a.setting());
        out.writeUTF(a.codingMode());
        out.writeLong(a.feedTimeBeforeMs());
    }

    private static Attribution readAttribution(DataInputStream in) throws IOException {
        String setting = in.readUTF();
        String mode = in.readUTF();
        long before = in.readLong();
        return Attribution.UNKNOWN.setting().equals(setting) && Attribution.UNKNOWN.codingMode().equals(mode)
                && before == Long.MIN_VALUE ? Attribution.UNKNOWN : new Attribution(setting, mode, before);
    }
}
