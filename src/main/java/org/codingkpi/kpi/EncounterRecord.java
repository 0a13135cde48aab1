package org.codingkpi.kpi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the pipeline remembers of one encounter, in one state entry: the event ids accepted
 * for it (per feed, for duplicates), its discharge while it is not final coded (DNFC) and while it
 * is not billed (DNFB), the revisions coded, its attribution, its claims (first adjudication,
 * accounts receivable), and the claim events waiting for its first coding. One entry means one read and at most one write per commit however many events of the
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
    /** A claim event that proves a bill (anything but a VOID ClaimSubmitted) was processed: never DNFB again. */
    public boolean billed;
    /** Set from discharge until the encounter is billed: the encounter is DNFB. */
    public DnfcEntry dnfb;
    /** Revisions of EncounterCoded processed (a CodingAudited must name one of them). */
    public final List<Integer> revisions = new ArrayList<>(2);

    public boolean isEmpty() {
        return seen.isEmpty() && dnfc == null && dnfb == null && attribution == null && claims.isEmpty() && pending.isEmpty();
    }

    // --- binary form -----------------------------------------------------------------------------

    public static byte[] encode(EncounterRecord r) {
        BinaryWriter out = BinaryWriter.get();
        {
            out.writeByte(FORMAT);
            out.writeShort(r.seen.size());
            for (Seen s : r.seen) {
                out.writeByte(s.feed().ordinal());
                out.writeUTF(s.eventId());
                out.writeLong(s.atMs());
            }
            writeDischarge(out, r.dnfc);
            writeDischarge(out, r.dnfb);
            out.writeBoolean(r.billed);
            out.writeShort(r.revisions.size());
            for (int rev : r.revisions) {
                out.writeInt(rev);
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
                out.writeLong(c.denialAtMs);
                out.writeLong(c.submittedAtMs);
                out.writeUTF(c.submittedFacility);
                out.writeUTF(c.submittedPayer);
                out.writeLong(c.latestBilledCents);
                out.writeBoolean(c.voided);
                out.writeByte(c.lastRemittance);
                out.writeBoolean(c.billLagDone);
            }
            out.writeShort(r.pending.size());
            for (PendingClaimEvent p : r.pending) {
                out.writeUTF(p.claimId());
                out.writeLong(p.occurredAtMs());
                out.writeInt(p.value().length);
                out.write(p.value());
                out.writeLong(p.submittedAtMs());
            }
        }
        return out.toByteArray();
    }

    public static EncounterRecord decode(byte[] bytes) {
        return decode(bytes, false);
    }

    /**
     * The parts' times only (what the purge scan reads): every string is "" and claims are keyed by
     * position. A read-only view: never store it.
     */
    public static EncounterRecord decodeTimes(byte[] bytes) {
        return decode(bytes, true);
    }

    private static EncounterRecord decode(byte[] bytes, boolean timesOnly) {
        EncounterRecord r = new EncounterRecord();
        BinaryReader in = new BinaryReader(bytes, timesOnly);
        {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("encounter state format " + format + " is not readable by this release; "
                        + "rebuild the state from the input topics (see the upgrade notes)");
            }
            Feed[] feeds = Feed.values();
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                r.seen.add(new Seen(feeds[in.readByte()], in.readUTF(), in.readLong()));
            }
            r.dnfc = readDischarge(in);
            r.dnfb = readDischarge(in);
            r.billed = in.readBoolean();
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                r.revisions.add(in.readInt());
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
                c.denialAtMs = in.readLong();
                c.submittedAtMs = in.readLong();
                c.submittedFacility = in.readUTF();
                c.submittedPayer = in.readUTF();
                c.latestBilledCents = in.readLong();
                c.voided = in.readBoolean();
                c.lastRemittance = in.readByte();
                c.billLagDone = in.readBoolean();
                r.claims.put(timesOnly ? Integer.toString(r.claims.size()) : id, c);
            }
            for (int i = in.readUnsignedShort(); i > 0; i--) {
                String claim = in.readUTF();
                long t = in.readLong();
                byte[] v = in.readBytes(in.readInt());
                r.pending.add(new PendingClaimEvent(claim, t, v, in.readLong()));
            }
        }
        return r;
    }

    private static void writeDischarge(BinaryWriter out, DnfcEntry d) {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeLong(d.dischargedAtMs());
            out.writeLong(d.expectedChargeCents());
            out.writeUTF(d.facility());
            out.writeUTF(d.setting());
        }
    }

    private static DnfcEntry readDischarge(BinaryReader in) {
        return in.readBoolean() ? new DnfcEntry(in.readLong(), in.readLong(), in.readUTF(), in.readUTF()) : null;
    }

    private static void writeAttribution(BinaryWriter out, Attribution a) {
        out.writeUTF(a.setting());
        out.writeUTF(a.codingMode());
        out.writeLong(a.feedTimeBeforeMs());
        out.writeLong(a.dischargedAtMs());
    }

    private static Attribution readAttribution(BinaryReader in) {
        Attribution a = new Attribution(in.readUTF(), in.readUTF(), in.readLong(), in.readLong());
        return Attribution.UNKNOWN.equals(a) ? Attribution.UNKNOWN : a;
    }
}
