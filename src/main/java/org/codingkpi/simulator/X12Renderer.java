package org.codingkpi.simulator;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.Adjustment;
import org.codingkpi.events.ClaimDenied;
import org.codingkpi.events.ClaimPaid;
import org.codingkpi.events.ClaimReversed;
import org.codingkpi.events.ClaimSubmitted;

/**
 * Writes a simulated history's claim events as the X12 files a hospital exchanges: 837 claims per
 * facility and batch day, 835 remittances per payer and day (one transaction set per payee, up to
 * 40 claims a set, service lines with CAS, a PLB that keeps BPR02 balanced). Read back with the
 * importer (shared/spec/X12.md) they give the same claim events, event ids aside. The patients'
 * names and member ids in the files are invented here, as PHI the import must drop.
 */
public final class X12Renderer {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");
    private static final int CLAIMS_PER_SET = 40;
    private static final String[] NAMES = {"RIVERA*ANA", "CHEN*LI", "OKAFOR*EMEKA", "NOVAK*JANA", "SILVA*JOAO", "KOWALSKI*PIOTR"};

    private final Path dir;
    private final SplittableRandom random;
    private int interchange;
    private final List<Path> written = new ArrayList<>();

    private X12Renderer(Path dir, long seed) {
        this.dir = dir;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Renders the claim events (ClaimSubmitted, ClaimPaid, ClaimDenied, ClaimReversed, in any order)
     * into {@code dir}; file names sort in time order. With {@code resendRate} > 0 some files are
     * delivered twice (a clearinghouse re-drop): the copy gives duplicates, never new claims.
     */
    public static List<Path> render(List<SpecificRecord> claimEvents, Path dir, long seed, double resendRate) throws IOException {
        Files.createDirectories(dir);
        X12Renderer r = new X12Renderer(dir, seed);
        Map<String, List<ClaimSubmitted>> claims = new TreeMap<>();
        Map<String, List<SpecificRecord>> remits = new TreeMap<>();
        for (SpecificRecord e : claimEvents) {
            if (e instanceof ClaimSubmitted s) {
                claims.computeIfAbsent(day(s.getOccurredAt()) + "-837-" + s.getFacilityId(), k -> new ArrayList<>()).add(s);
            } else {
                String payer = (String) e.get(5);
                remits.computeIfAbsent(day((Instant) e.get(1)) + "-835-" + payer, k -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<String, List<ClaimSubmitted>> e : claims.entrySet()) {
            r.write(e.getKey(), r.claims837(e.getValue()), resendRate);
        }
        for (Map.Entry<String, List<SpecificRecord>> e : remits.entrySet()) {
            r.write(e.getKey(), r.remittance835(e.getValue()), resendRate);
        }
        return r.written;
    }

    /** What {@link #simulate} wrote. */
    public record Written(long jsonLines, long claimEvents, long claimLinesLeftOut, List<Path> x12Files) {
    }

    /**
     * Simulates a version-2 history into {@code dir}: the encounter, AI and QA deliveries as
     * {@code events.jsonl} (in delivery order, duplicates and invalid lines included), every claim
     * event as X12 files in {@code x12/}. Invalid claim lines and claim re-deliveries have no X12
     * form: a re-delivery becomes a re-sent file at the configuration's duplicate rate instead.
     */
    public static Written simulate(SimulatorConfig config, Path dir) throws IOException {
        SimulatorConfig v2 = config.toBuilder().version2(true).build();
        Files.createDirectories(dir);
        List<SpecificRecord> claims = new ArrayList<>();
        long lines = 0;
        long leftOut = 0;
        Simulator sim = new Simulator(v2);
        try (java.io.BufferedWriter out = Files.newBufferedWriter(dir.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            while (sim.hasNext()) {
                SimEvent e = sim.next();
                if ("claims".equals(e.topic())) {
                    if (e.kind() == SimEvent.Kind.ORIGINAL) {
                        claims.add(e.event());
                    } else {
                        leftOut++;
                    }
                    continue;
                }
                out.write(e.toJsonLine());
                out.write('\n');
                lines++;
            }
        }
        List<Path> files = render(claims, dir.resolve("x12"), v2.seed(), v2.duplicateRate() * 5);
        return new Written(lines, claims.size(), leftOut, files);
    }

    private void write(String name, String text, double resendRate) throws IOException {
        Path f = dir.resolve(name + ".x12");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        written.add(f);
        if (resendRate > 0 && random.nextDouble() < resendRate) {
            Path again = dir.resolve(name + "-resent.x12");
            Files.writeString(again, text, StandardCharsets.UTF_8);
            written.add(again);
        }
    }

    private static String day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
    }

    // ------------------------------------------------------------------------------------------ 837

    private String claims837(List<ClaimSubmitted> claims) {
        ClaimSubmitted first = claims.get(0);
        String facility = first.getFacilityId();
        Envelope env = new Envelope(facility, "HC", "005010X223A2");
        // one set per batch time (BHT04/05 is the set's), several claims per set
        Map<Instant, List<ClaimSubmitted>> byTime = new TreeMap<>();
        for (ClaimSubmitted c : claims) {
            byTime.computeIfAbsent(c.getOccurredAt(), k -> new ArrayList<>()).add(c);
        }
        for (Map.Entry<Instant, List<ClaimSubmitted>> batch : byTime.entrySet()) {
            List<ClaimSubmitted> all = batch.getValue();
            for (int from = 0; from < all.size(); from += CLAIMS_PER_SET) {
                List<ClaimSubmitted> part = all.subList(from, Math.min(all.size(), from + CLAIMS_PER_SET));
                List<String> s = new ArrayList<>();
                Instant at = batch.getKey();
                s.add("BHT*0019*00*" + env.control + "-" + from + "*" + DATE.format(at.atZone(ZoneOffset.UTC)) + "*"
                        + TIME.format(at.atZone(ZoneOffset.UTC)) + "*CH");
                s.add("NM1*41*2*" + facility + " BILLING*****46*" + facility);
                s.add("PER*IC*BILLING OFFICE*TE*5555550100");
                s.add("NM1*40*2*CLEARINGHOUSE*****46*CH0001");
                s.add("HL*1**20*1");
                s.add("NM1*85*2*" + facility + " HOSPITAL*****XX*" + facility);
                s.add("N3*100 MAIN ST");
                s.add("N4*SPRINGFIELD*IL*62701");
                s.add("REF*EI*370000001");
                int hl = 1;
                for (ClaimSubmitted c : part) {
                    hl++;
                    String code = switch (c.getFrequency()) {
                        case ORIGINAL -> "1";
                        case REPLACEMENT -> "7";
                        case VOID -> "8";
                    };
                    s.add("HL*" + hl + "*1*22*0");
                    s.add("SBR*P*18*******CI");
                    s.add("NM1*IL*1*" + NAMES[random.nextInt(NAMES.length)] + "****MI*M" + (100000000 + random.nextInt(899999999)));
                    s.add("N3*" + (1 + random.nextInt(999)) + " ELM ST");
                    s.add("N4*SPRINGFIELD*IL*62704");
                    s.add("DMG*D8*19" + (40 + random.nextInt(60)) + "0101*" + (random.nextBoolean() ? "F" : "M"));
                    s.add("NM1*PR*2*" + c.getPayerId() + "*****PI*" + c.getPayerId());
                    s.add("CLM*" + c.getEncounterId() + "*" + money(c.getBilledCents()) + "***13:A:" + code + "*Y*A*Y*Y");
                    s.add("HI*ABK:R6889");
                    s.add("LX*1");
                    s.add("SV2*0450*HC:99284*" + money(c.getBilledCents()) + "*UN*1");
                    s.add("DTP*472*D8*" + DATE.format(at.atZone(ZoneOffset.UTC).minusDays(2)));
                }
                env.set("837", s);
            }
        }
        return env.close();
    }

    // ------------------------------------------------------------------------------------------ 835

    private String remittance835(List<SpecificRecord> events) {
        String payer = (String) events.get(0).get(5);
        Instant at = (Instant) events.get(0).get(1);
        Envelope env = new Envelope(payer, "HP", "005010X221A1");
        Map<String, List<SpecificRecord>> byPayee = new TreeMap<>();
        for (SpecificRecord e : events) {
            byPayee.computeIfAbsent((String) e.get(2), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<SpecificRecord>> payee : byPayee.entrySet()) {
            List<SpecificRecord> all = payee.getValue();
            for (int from = 0; from < all.size(); from += CLAIMS_PER_SET) {
                List<SpecificRecord> part = all.subList(from, Math.min(all.size(), from + CLAIMS_PER_SET));
                List<String> body = new ArrayList<>();
                long sumPaid = 0;
                for (SpecificRecord e : part) {
                    sumPaid += claim(e, body);
                }
                // provider-level adjustments: interest (negative: adds to the payment), and a forward balance when recoupments exceed payments
                long interest = random.nextInt(4) == 0 ? 1 + random.nextInt(2_500) : 0;
                List<String[]> plb = new ArrayList<>();
                if (interest > 0) {
                    plb.add(new String[] {"L6:INT" + from, money(-interest)});
                }
                long bpr02 = sumPaid + interest;
                if (bpr02 < 0) {
                    plb.add(new String[] {"FB:RECOUP" + from, money(bpr02)});
                    bpr02 = 0;
                }
                String date = DATE.format(at.atZone(ZoneOffset.UTC));
                List<String> s = new ArrayList<>();
                s.add("BPR*I*" + money(bpr02) + "*C*ACH*CCP*01*011000015*DA*123456789*1" + payer.hashCode() % 1_000_000_000
                        + "**01*071000013*DA*987654321*" + date);
                s.add("TRN*1*" + env.control + "-" + from + "*1" + Math.abs(payer.hashCode() % 1_000_000_000));
                s.add("DTM*405*" + date);
                s.add("N1*PR*" + payer + " HEALTH PLAN*XV*" + payer);
                s.add("N3*1 PAYER PLAZA");
                s.add("N4*HARTFORD*CT*06101");
                s.add("PER*BL*PROVIDER SERVICES*TE*8005550100");
                s.add("N1*PE*" + payee.getKey() + " HOSPITAL*XX*" + payee.getKey());
                s.add("LX*1");
                s.addAll(body);
                if (!plb.isEmpty()) {
                    StringBuilder p = new StringBuilder("PLB*" + payee.getKey() + "*" + LocalDate.ofInstant(at, ZoneOffset.UTC).getYear() + "1231");
                    for (String[] pair : plb) {
                        p.append('*').append(pair[0]).append('*').append(pair[1]);
                    }
                    s.add(p.toString());
                }
                env.set("835", s);
            }
        }
        return env.close();
    }

    /** One CLP loop; returns its CLP04 in cents. */
    private long claim(SpecificRecord e, List<String> s) {
        String pcn = (String) e.get(3);
        String icn = "ICN" + (1_000_000_000L + random.nextLong(8_999_999_999L));
        String patient = "NM1*QC*1*" + NAMES[random.nextInt(NAMES.length)] + "****MI*M" + (100000000 + random.nextInt(899999999));
        if (e instanceof ClaimReversed r) {
            s.add("CLP*" + pcn + "*22*" + money(-r.getReversedCents()) + "*" + money(-r.getReversedCents()) + "**MC*" + icn);
            s.add(patient);
            return -r.getReversedCents();
        }
        boolean paid = e instanceof ClaimPaid;
        long billed = paid ? ((ClaimPaid) e).getBilledCents() : ((ClaimDenied) e).getBilledCents();
        long amount = paid ? ((ClaimPaid) e).getPaidCents() : 0;
        List<Adjustment> adjustments = paid ? ((ClaimPaid) e).getAdjustments() : ((ClaimDenied) e).getAdjustments();
        List<String> remarks = paid ? ((ClaimPaid) e).getRemarkCodes() : ((ClaimDenied) e).getRemarkCodes();
        Instant received = paid ? ((ClaimPaid) e).getSubmittedAt() : ((ClaimDenied) e).getSubmittedAt();
        s.add("CLP*" + pcn + "*" + (paid ? "1" : "4") + "*" + money(billed) + "*" + money(amount) + "**MC*" + icn);
        if (!adjustments.isEmpty()) {
            s.add(cas(adjustments.get(0))); // the first at claim level, the others on the service lines
        }
        s.add(patient);
        if (!remarks.isEmpty()) {
            StringBuilder moa = new StringBuilder("MOA**");
            for (int i = 0; i < Math.min(5, remarks.size()); i++) {
                moa.append('*').append(remarks.get(i));
            }
            s.add(moa.toString());
        }
        if (received != null) {
            s.add("DTM*050*" + DATE.format(received.atZone(ZoneOffset.UTC)));
        }
        s.add("SVC*HC:99284*" + money(billed) + "*" + money(amount) + "**1");
        s.add("DTM*472*" + DATE.format(((Instant) e.get(1)).atZone(ZoneOffset.UTC).minusDays(20)));
        for (int i = 1; i < adjustments.size(); i++) {
            s.add(cas(adjustments.get(i)));
        }
        for (int i = 5; i < remarks.size(); i++) {
            s.add("LQ*HE*" + remarks.get(i));
        }
        return amount;
    }

    private static String cas(Adjustment a) {
        return "CAS*" + a.getGroup().name() + "*" + a.getReason() + "*" + money(a.getAmountCents());
    }

    static String money(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    /** One interchange with one functional group; sets are added with their ST/SE. */
    private final class Envelope {
        final String sender;
        final String functional;
        final String version;
        final int control;
        final StringBuilder sets = new StringBuilder();
        int count;

        Envelope(String sender, String functional, String version) {
            this.sender = sender;
            this.functional = functional;
            this.version = version;
            this.control = ++interchange;
        }

        void set(String type, List<String> segments) {
            count++;
            String st = String.format("%04d", count);
            sets.append("ST*").append(type).append('*').append(st).append('*').append(version).append("~\n");
            for (String seg : segments) {
                sets.append(seg).append("~\n");
            }
            sets.append("SE*").append(segments.size() + 2).append('*').append(st).append("~\n");
        }

        String close() {
            String isa13 = String.format("%09d", control);
            return "ISA*00*          *00*          *ZZ*" + String.format("%-15.15s", sender) + "*ZZ*" + String.format("%-15.15s", "RECEIVER")
                    + "*260101*1200*^*00501*" + isa13 + "*0*P*:~\n"
                    + "GS*" + functional + "*" + sender + "*RECEIVER*20260101*1200*" + control + "*X*" + version + "~\n"
                    + sets + "GE*" + count + "*" + control + "~\nIEA*1*" + isa13 + "~\n";
        }
    }
}
