package org.codingkpi.x12;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.AdjustmentGroup;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimFrequency;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;

/**
 * Turns one transaction set that {@link X12Reader} read soundly into claim events, exactly per
 * shared/spec/X12.md: an 835 into ClaimPaid, ClaimDenied or ClaimReversed (one per CLP, or a skip
 * by status), an 837 into ClaimSubmitted (one per CLM). A missing or unreadable element that the
 * mapping reads, or an 835 that does not balance, refuses the whole set. docs/x12.md lists every
 * rule and every choice made where the contract is silent.
 */
public final class X12Mapper {

    /** What one transaction set gave. Either {@code refusal} is set, or the claims are in events and skips. */
    public record SetResult(List<SpecificRecord> events, Map<String, Long> claimsByStatus, Map<String, Long> skippedByStatus,
                            int claims, X12Reader.Problem refusal) {
        static SetResult refused(int claims, X12Reader.Problem p) {
            return new SetResult(List.of(), Map.of(), Map.of(), claims, p);
        }
    }

    /** A fault that refuses the set: message and the segment it is in. */
    static final class Refusal extends RuntimeException {
        final transient X12Segment segment;

        Refusal(String message, X12Segment segment) {
            super(message, null, false, false);
            this.segment = segment;
        }
    }

    static final Set<String> PROCESSED = Set.of("1", "2", "3", "19", "20", "21");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

    private X12Mapper() {
    }

    public static SetResult map(X12Reader.TransactionSet set, X12Settings settings) {
        if (set.refused()) {
            return SetResult.refused(set.claims(), set.problem());
        }
        try {
            return switch (set.type()) {
                case "835" -> remittance(set, settings);
                case "837" -> claims(set, settings);
                default -> throw new Refusal("transaction set type " + (set.type().isEmpty() ? "(none)" : set.type())
                        + " is neither 835 nor 837", set.segments().isEmpty() ? null : set.segments().get(0));
            };
        } catch (Refusal r) {
            String where = r.segment == null ? "transaction set" : "segment " + r.segment.position() + " of the set ("
                    + r.segment.tag() + "), line " + r.segment.line();
            return SetResult.refused(set.claims(), new X12Reader.Problem(r.getMessage(), where));
        }
    }

    // ------------------------------------------------------------------------------------------ 835

    private static final class Claim835 {
        X12Segment clp;
        final List<X12Segment> loop = new ArrayList<>();
        final List<Adjustment> adjustments = new ArrayList<>();
        final Set<String> remarks = new LinkedHashSet<>();
        Instant received;
        String ref;
        boolean inService;
    }

    private static SetResult remittance(X12Reader.TransactionSet set, X12Settings settings) {
        X12Segment bpr = null;
        Instant production = null;
        X12Segment dtm405 = null;
        String payerRef = null;
        String payerN104 = null;
        String payerN102 = null;
        String facilityN104 = null;
        String facilityN102 = null;
        X12Segment n1pr = null;
        X12Segment n1pe = null;
        String loop1000 = "";
        List<Claim835> claims = new ArrayList<>();
        Claim835 current = null;
        long plbCents = 0;
        for (X12Segment s : set.segments()) {
            switch (s.tag()) {
                case "BPR" -> {
                    if (bpr == null) {
                        bpr = s;
                    }
                }
                case "DTM" -> {
                    if (current == null && "405".equals(s.el(1)) && dtm405 == null) {
                        dtm405 = s;
                        production = dateOrNull(s.el(2));
                    } else if (current != null && !current.inService && "050".equals(s.el(1)) && current.received == null) {
                        current.received = dateOrNull(s.el(2)); // present but unreadable counts as absent (X12.md)
                    }
                }
                case "N1" -> {
                    if (current == null) {
                        if ("PR".equals(s.el(1))) {
                            loop1000 = "A";
                            n1pr = s;
                            payerN104 = s.el(4);
                            payerN102 = s.el(2);
                        } else if ("PE".equals(s.el(1))) {
                            loop1000 = "B";
                            n1pe = s;
                            facilityN104 = s.el(4);
                            facilityN102 = s.el(2);
                        } else {
                            loop1000 = "";
                        }
                    }
                }
                case "REF" -> {
                    if (current == null && "A".equals(loop1000) && "2U".equals(s.el(1)) && payerRef == null && !s.el(2).isEmpty()) {
                        payerRef = s.el(2);
                    } else if (current != null && !current.inService && settings.encounterRef() != null
                            && settings.encounterRef().equals(s.el(1)) && current.ref == null && !s.el(2).isEmpty()) {
                        current.ref = s.el(2);
                    }
                }
                case "LX" -> {
                    current = null;
                    loop1000 = "";
                }
                case "CLP" -> {
                    current = new Claim835();
                    current.clp = s;
                    claims.add(current);
                    loop1000 = "";
                }
                case "SVC" -> {
                    if (current != null) {
                        current.inService = true;
                    }
                }
                case "CAS" -> {
                    if (current != null) {
                        readCas(s, current.adjustments);
                    }
                }
                case "MIA" -> {
                    if (current != null) {
                        for (int i : new int[] {5, 20, 21, 22, 23}) {
                            addRemark(current.remarks, s.el(i));
                        }
                    }
                }
                case "MOA" -> {
                    if (current != null) {
                        for (int i = 3; i <= 7; i++) {
                            addRemark(current.remarks, s.el(i));
                        }
                    }
                }
                case "LQ" -> {
                    if (current != null && "HE".equals(s.el(1))) {
                        addRemark(current.remarks, s.el(2));
                    }
                }
                case "PLB" -> {
                    current = null;
                    for (int i = 3; i + 1 <= 14; i += 2) {
                        boolean hasId = !s.comp(i, 1).isEmpty();
                        String amount = s.el(i + 1);
                        if (hasId || !amount.isEmpty()) {
                            plbCents += cents(amount, s, String.format("PLB%02d", i + 1));
                        }
                    }
                }
                case "SE" -> current = null;
                default -> {
                }
            }
            if (current != null) {
                current.loop.add(s);
            }
        }
        if (bpr == null) {
            throw new Refusal("BPR (financial information) is missing", set.segments().get(0));
        }
        long bpr02 = cents(bpr.el(2), bpr, "BPR02");
        Instant occurredAt = dateOrNull(bpr.el(16));
        if (occurredAt == null) {
            occurredAt = production;
        }
        if (occurredAt == null) {
            throw new Refusal("neither BPR16 nor DTM*405 is a valid date", dtm405 != null ? dtm405 : bpr);
        }
        String payerNamed = payerRef != null ? payerRef : n1pr == null ? "" : !payerN104.isEmpty() ? payerN104 : payerN102;
        if (payerNamed.isEmpty()) {
            throw new Refusal("no payer: loop 1000A (N1*PR with N102 or N104, or REF*2U) is missing or empty",
                    n1pr != null ? n1pr : bpr);
        }
        String payer = settings.payer(payerNamed);
        String facility = n1pe == null ? "" : !facilityN104.isEmpty() ? facilityN104 : facilityN102;
        if (facility.isEmpty()) {
            throw new Refusal("no payee: loop 1000B (N1*PE with N102 or N104) is missing or empty", n1pe != null ? n1pe : bpr);
        }

        long sumClp04 = 0;
        List<SpecificRecord> events = new ArrayList<>();
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> skipped = new TreeMap<>();
        int ordinal = 0;
        for (Claim835 c : claims) {
            ordinal++;
            X12Segment clp = c.clp;
            String pcn = required(clp, 1, "CLP01 (patient control number)");
            String status = status(required(clp, 2, "CLP02 (claim status)"));
            long billed = cents(clp.el(3), clp, "CLP03");
            long paid = cents(clp.el(4), clp, "CLP04");
            sumClp04 += paid;
            byStatus.merge("CLP02=" + status, 1L, Long::sum);
            String encounter = c.ref != null ? c.ref : pcn;
            String claimId = payer + "|" + pcn;
            String eventId = eventId(set, ordinal, c.loop);
            long denied = 0;
            boolean payerDenied = false;
            for (Adjustment a : c.adjustments) {
                if (a.getGroup() == AdjustmentGroup.CO || a.getGroup() == AdjustmentGroup.OA || a.getGroup() == AdjustmentGroup.PI) {
                    denied += a.getAmountCents();
                    payerDenied = true;
                }
            }
            List<String> remarks = List.copyOf(c.remarks);
            SpecificRecord event = null;
            if (PROCESSED.contains(status)) {
                if (paid > 0 || (paid == 0 && !payerDenied)) {
                    event = new ClaimPaid(eventId, occurredAt, facility, encounter, claimId, payer, c.received, billed, paid,
                            List.copyOf(c.adjustments), remarks);
                } else if (paid == 0) {
                    event = new ClaimDenied(eventId, occurredAt, facility, encounter, claimId, payer, c.received, billed, denied,
                            List.copyOf(c.adjustments), remarks);
                }
            } else if ("4".equals(status)) {
                event = new ClaimDenied(eventId, occurredAt, facility, encounter, claimId, payer, c.received, billed, denied,
                        List.copyOf(c.adjustments), remarks);
            } else if ("22".equals(status) && paid <= 0) {
                event = new ClaimReversed(eventId, occurredAt, facility, encounter, claimId, payer, -paid);
            }
            if (event == null) {
                skipped.merge("CLP02=" + status, 1L, Long::sum);
            } else {
                events.add(event);
            }
        }
        if (bpr02 != sumClp04 - plbCents) {
            throw new Refusal("does not balance: BPR02 differs from the sum of CLP04 less the PLB amounts", bpr);
        }
        return new SetResult(events, byStatus, skipped, claims.size(), null);
    }

    private static void readCas(X12Segment s, List<Adjustment> out) {
        String groupCode = s.el(1);
        AdjustmentGroup group;
        try {
            group = AdjustmentGroup.valueOf(groupCode);
        } catch (IllegalArgumentException e) {
            throw new Refusal("CAS01 is not an adjustment group (CO, PR, OA, PI, CR)", s);
        }
        boolean any = false;
        for (int i = 2; i <= 17; i += 3) {
            String reason = s.el(i);
            String amount = s.el(i + 1);
            if (reason.isEmpty() && amount.isEmpty()) {
                continue;
            }
            if (reason.isEmpty()) {
                throw new Refusal(String.format("CAS%02d (reason) is missing beside an amount", i), s);
            }
            out.add(new Adjustment(group, reason, cents(amount, s, String.format("CAS%02d", i + 1))));
            any = true;
        }
        if (!any) {
            throw new Refusal("CAS has no reason and amount", s);
        }
    }

    private static void addRemark(Set<String> remarks, String code) {
        if (!code.isEmpty()) {
            remarks.add(code);
        }
    }

    /** CLP02 as a code: "01" and "1" are the same status. */
    private static String status(String raw) {
        String s = raw.trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 6) {
            return Integer.toString(Integer.parseInt(s));
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------ 837

    private static SetResult claims(X12Reader.TransactionSet set, X12Settings settings) {
        X12Segment bht = null;
        Map<String, String> parent = new HashMap<>();
        Map<String, String> payerOf = new HashMap<>();
        Map<String, String> facilityOf = new HashMap<>();
        String hl = null;
        boolean claimSinceHl = false;
        List<X12Segment> clms = new ArrayList<>();
        List<String> hlOfClaim = new ArrayList<>();
        List<List<X12Segment>> loops = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        List<X12Segment> loop = null;
        boolean inServiceLines = false;
        for (X12Segment s : set.segments()) {
            switch (s.tag()) {
                case "BHT" -> {
                    if (bht == null) {
                        bht = s;
                    }
                }
                case "HL" -> {
                    hl = required(s, 1, "HL01 (hierarchical id)");
                    if (!s.el(2).isEmpty()) {
                        parent.put(hl, s.el(2));
                    }
                    claimSinceHl = false;
                    loop = null;
                }
                case "NM1" -> {
                    if (hl != null && !claimSinceHl) {
                        String id = !s.el(9).isEmpty() ? s.el(9) : s.el(3);
                        if ("85".equals(s.el(1)) && !id.isEmpty()) {
                            facilityOf.putIfAbsent(hl, id);
                        } else if ("PR".equals(s.el(1)) && !id.isEmpty()) {
                            payerOf.putIfAbsent(hl, id);
                        }
                    }
                }
                case "CLM" -> {
                    if (hl == null) {
                        throw new Refusal("CLM outside any HL loop", s);
                    }
                    claimSinceHl = true;
                    clms.add(s);
                    hlOfClaim.add(hl);
                    loop = new ArrayList<>();
                    loops.add(loop);
                    refs.add(null);
                    inServiceLines = false;
                }
                case "LX" -> inServiceLines = true;
                case "REF" -> {
                    if (loop != null && !inServiceLines && settings.encounterRef() != null
                            && settings.encounterRef().equals(s.el(1)) && refs.get(refs.size() - 1) == null && !s.el(2).isEmpty()) {
                        refs.set(refs.size() - 1, s.el(2));
                    }
                }
                case "SE" -> loop = null;
                default -> {
                }
            }
            if (loop != null) {
                loop.add(s);
            }
        }
        if (bht == null) {
            throw new Refusal("BHT (beginning of hierarchical transaction) is missing", set.segments().get(0));
        }
        LocalDate date = date(bht.el(4), bht, "BHT04");
        LocalTime time = time(bht.el(5), bht, "BHT05");
        Instant occurredAt = date.atTime(time).atZone(settings.zone()).toInstant();
        List<SpecificRecord> events = new ArrayList<>();
        Map<String, Long> byFrequency = new TreeMap<>();
        for (int i = 0; i < clms.size(); i++) {
            X12Segment clm = clms.get(i);
            String pcn = required(clm, 1, "CLM01 (patient control number)");
            long billed = cents(clm.el(2), clm, "CLM02");
            String code = clm.comp(5, 3);
            ClaimFrequency frequency = switch (code) {
                case "7" -> ClaimFrequency.REPLACEMENT;
                case "8" -> ClaimFrequency.VOID;
                default -> ClaimFrequency.ORIGINAL;
            };
            byFrequency.merge("CLM05-3=" + (code.isEmpty() ? "none" : code), 1L, Long::sum);
            String payerNamed = up(hlOfClaim.get(i), payerOf, parent);
            if (payerNamed == null) {
                throw new Refusal("no payer: loop 2010BB (NM1*PR) is missing above this claim", clm);
            }
            String facility = up(hlOfClaim.get(i), facilityOf, parent);
            if (facility == null) {
                throw new Refusal("no billing provider: loop 2010AA (NM1*85) is missing above this claim", clm);
            }
            String payer = settings.payer(payerNamed);
            String encounter = refs.get(i) != null ? refs.get(i) : pcn;
            events.add(new ClaimSubmitted(eventId(set, i + 1, loops.get(i)), occurredAt, facility, encounter,
                    payer + "|" + pcn, payer, billed, frequency));
        }
        return new SetResult(events, byFrequency, Map.of(), clms.size(), null);
    }

    /** A value set on an HL or, failing that, on its ancestors (the claim's subscriber and billing provider levels). */
    private static String up(String hl, Map<String, String> values, Map<String, String> parent) {
        String at = hl;
        for (int guard = 0; at != null && guard < 64; guard++) {
            String v = values.get(at);
            if (v != null) {
                return v;
            }
            at = parent.get(at);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ elements

    private static String required(X12Segment s, int element, String name) {
        String v = s.el(element);
        if (v.isEmpty()) {
            throw new Refusal(name + " is missing", s);
        }
        return v;
    }

    /** An X12 decimal (R) as exact cents: a missing value, an exponent or a fraction of a cent is unreadable. */
    static long cents(String raw, X12Segment s, String name) {
        String v = raw.trim();
        if (v.isEmpty()) {
            throw new Refusal(name + " (amount) is missing", s);
        }
        if (v.indexOf('e') >= 0 || v.indexOf('E') >= 0) {
            throw new Refusal(name + " is not an X12 decimal", s);
        }
        try {
            return new BigDecimal(v).movePointRight(2).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new Refusal(name + " is not an amount in whole cents", s);
        }
    }

    private static Instant dateOrNull(String raw) {
        try {
            return raw.isEmpty() ? null : LocalDate.parse(raw, DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static LocalDate date(String raw, X12Segment s, String name) {
        if (raw.isEmpty()) {
            throw new Refusal(name + " (date) is missing", s);
        }
        try {
            return LocalDate.parse(raw, DATE);
        } catch (DateTimeParseException e) {
            throw new Refusal(name + " is not a CCYYMMDD date", s);
        }
    }

    /** HHMM, HHMMSS, HHMMSSD or HHMMSSDD (X12 TM). */
    private static LocalTime time(String raw, X12Segment s, String name) {
        if (raw.isEmpty()) {
            throw new Refusal(name + " (time) is missing", s);
        }
        if (!raw.chars().allMatch(Character::isDigit) || !(raw.length() == 4 || (raw.length() >= 6 && raw.length() <= 8))) {
            throw new Refusal(name + " is not an HHMM[SS[D[D]]] time", s);
        }
        try {
            int h = Integer.parseInt(raw.substring(0, 2));
            int m = Integer.parseInt(raw.substring(2, 4));
            int sec = raw.length() >= 6 ? Integer.parseInt(raw.substring(4, 6)) : 0;
            int millis = raw.length() == 7 ? (raw.charAt(6) - '0') * 100 : raw.length() == 8 ? Integer.parseInt(raw.substring(6, 8)) * 10 : 0;
            return LocalTime.of(h, m, sec, millis * 1_000_000);
        } catch (java.time.DateTimeException e) {
            throw new Refusal(name + " is not an HHMM[SS[D[D]]] time", s);
        }
    }

    /**
     * From the content: the sender (ISA06), the set's control number (ST02), the claim's ordinal in
     * the set and the claim loop's text (standard delimiters), so the same file imported twice gives
     * the same ids: duplicates, never double counts.
     */
    static String eventId(X12Reader.TransactionSet set, int ordinal, List<X12Segment> loop) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((set.sender() + '\u0000' + set.control() + '\u0000' + ordinal + '\u0000').getBytes(StandardCharsets.UTF_8));
        for (X12Segment s : loop) {
            sha.update(s.text().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '~');
        }
        return "x12-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    }
}
