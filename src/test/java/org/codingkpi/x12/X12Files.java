package org.codingkpi.x12;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds X12 test files: segments in, envelopes with correct counts and control numbers out. */
final class X12Files {
    private X12Files() {
    }

    static String resource(String name) {
        try (InputStream in = X12Files.class.getResourceAsStream("/x12/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ST..SE around the segments (without terminators), with the right SE01. */
    static String set(String type, String control, String... segments) {
        StringBuilder b = new StringBuilder("ST*" + type + "*" + control + "~\n");
        for (String s : segments) {
            b.append(s).append("~\n");
        }
        return b.append("SE*").append(segments.length + 2).append('*').append(control).append("~\n").toString();
    }

    /** One interchange with one functional group holding the sets. */
    static String interchange(String sender, int control, String... sets) {
        String isa13 = String.format("%09d", control);
        String isa = "ISA*00*          *00*          *ZZ*" + pad(sender) + "*ZZ*" + pad("PROVIDER") + "*260301*1200*^*00501*"
                + isa13 + "*0*P*:~\n";
        String gs = "GS*HP*" + sender + "*PROVIDER*20260301*1200*" + control + "*X*005010X221A1~\n";
        StringBuilder b = new StringBuilder(isa).append(gs);
        for (String s : sets) {
            b.append(s);
        }
        return b.append("GE*").append(sets.length).append('*').append(control).append("~\nIEA*1*").append(isa13).append("~\n")
                .toString();
    }

    private static String pad(String s) {
        return String.format("%-15s", s);
    }

    /** The header segments of an 835 from a payer to FAC-1, effective 2026-03-01. */
    static List<String> header835(String bpr02) {
        List<String> h = new ArrayList<>();
        h.add("BPR*I*" + bpr02 + "*C*ACH*CCP*01*999999999*DA*123456*1234567890**01*999988880*DA*98765*20260301");
        h.add("TRN*1*EFT0001*1234567890");
        h.add("DTM*405*20260302");
        h.add("N1*PR*ACME HEALTH PLAN*XV*ACME01");
        h.add("N3*1 PAYER WAY");
        h.add("N4*SPRINGFIELD*IL*62701");
        h.add("N1*PE*NORTH HOSPITAL*XX*FAC-1");
        h.add("LX*1");
        return h;
    }

    static String[] concat(List<String> head, String... rest) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
