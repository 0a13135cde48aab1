package org.codingkpi.x12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.codingkpi.x12.X12Files.concat;
import static org.codingkpi.x12.X12Files.header835;
import static org.codingkpi.x12.X12Files.interchange;
import static org.codingkpi.x12.X12Files.resource;
import static org.codingkpi.x12.X12Files.set;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutated X12 files (characters deleted, inserted, replaced; segments dropped, doubled, swapped;
 * files cut short): the import never throws, and conservation holds for every mutant: claims read
 * = events + skipped + claims in dead-lettered sets; every refused set is one dead-letter record.
 */
class X12FuzzTest {
    private static final String ALPHABET = "*~:^\n\r 0123456789.-ABCLPSTEGIQ|>";

    @Test
    void conservationHoldsForEveryMutant() {
        long seed = Long.getLong("x12.fuzz.seed", 20260301L);
        SplittableRandom random = new SplittableRandom(seed);
        List<String> bases = List.of(resource("ig-835-example1.x12"), resource("ig-837p-commercial.x12"),
                interchange("ACME", 1,
                        set("835", "0001", concat(header835("343"), "CLP*P1*1*100*80**MC*X1", "CAS*CO*45*20", "CLP*P2*4*50*0**MC*X2",
                                "CAS*CO*50*50", "CLP*P5*22*-100*-100**MC*X5", "CLP*P6*22*100*10**MC*X6", "CLP*P8*1*30*-5**MC*X8",
                                "CLP*P10*21*500*358**MC*X10", "SVC*HC:99213*500*358", "CAS*CO*45*142", "LQ*HE*N381")),
                        set("835", "0002", concat(header835("10"), "CLP*Q1*1*10*10**MC*X1"))));
        int mutants = Integer.getInteger("x12.fuzz.mutants", 1000);
        long refused = 0;
        long events = 0;
        for (int i = 0; i < mutants; i++) {
            String base = bases.get(random.nextInt(bases.size()));
            String mutant = mutate(base, random);
            X12ImportTest.Collected c = new X12ImportTest.Collected();
            X12Summary s;
            try {
                s = X12Import.read("fuzz.x12", mutant.getBytes(StandardCharsets.UTF_8), X12Settings.defaults(), X12ImportTest.NOW, c);
            } catch (RuntimeException e) {
                throw new AssertionError("mutant " + i + " (seed " + seed + ") threw", e);
            }
            assertThat(s.conserved()).as("mutant %d (seed %d):%n%s", i, seed, s.render()).isTrue();
            assertThat(c.events).hasSize((int) s.events);
            assertThat(c.deadLetters).hasSize(s.deadLettered.size());
            refused += s.deadLettered.size();
            events += s.events;
        }
        // the mutations do what they should: some sets refused, most claims still read
        assertThat(refused).isPositive();
        assertThat(events).isPositive();
    }

    static String mutate(String text, SplittableRandom r) {
        int kinds = 1 + r.nextInt(3);
        String t = text;
        for (int k = 0; k < kinds; k++) {
            if (t.isEmpty()) {
                return t;
            }
            int at = r.nextInt(t.length());
            switch (r.nextInt(8)) {
                case 0 -> t = t.substring(0, at) + t.substring(at + 1);
                case 1 -> t = t.substring(0, at) + ALPHABET.charAt(r.nextInt(ALPHABET.length())) + t.substring(at);
                case 2 -> t = t.substring(0, at) + ALPHABET.charAt(r.nextInt(ALPHABET.length())) + t.substring(at + 1);
                case 3 -> t = t.substring(0, at);
                default -> {
                    List<String> segs = new ArrayList<>(List.of(t.split("~", -1)));
                    int a = r.nextInt(segs.size());
                    int b = r.nextInt(segs.size());
                    switch (r.nextInt(3)) {
                        case 0 -> segs.remove(a);
                        case 1 -> segs.add(a, segs.get(b));
                        default -> {
                            String x = segs.get(a);
                            segs.set(a, segs.get(b));
                            segs.set(b, x);
                        }
                    }
                    t = String.join("~", segs);
                }
            }
        }
        return t;
    }
}
