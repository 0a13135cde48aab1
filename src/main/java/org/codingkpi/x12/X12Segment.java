package org.codingkpi.x12;

import java.util.List;

/**
 * One X12 segment as the EDI library read it: its tag, and per element (1-based) the repetitions,
 * each a list of components. {@link #text()} renders it with the standard delimiters
 * ({@code * : ^}), whatever the file used, so identifiers derived from content do not depend on the
 * sender's choice of delimiters.
 *
 * @param tag      the segment id, e.g. {@code CLP}
 * @param elements element i at index i - 1; each a list of repetitions, each a list of components
 * @param position position in its transaction set, ST = 1 (0 for envelope segments)
 * @param line     line of the file the segment starts on (1 when the file has no line breaks)
 */
public record X12Segment(String tag, List<List<List<String>>> elements, int position, int line) {

    /** Number of elements present (trailing empty ones included as the file had them). */
    public int size() {
        return elements.size();
    }

    /** Element i (1-based), first repetition, first component; "" when absent. */
    public String el(int i) {
        return comp(i, 1);
    }

    /** Component c (1-based) of element i, first repetition; "" when absent. */
    public String comp(int i, int c) {
        if (i < 1 || i > elements.size()) {
            return "";
        }
        List<List<String>> reps = elements.get(i - 1);
        if (reps.isEmpty()) {
            return "";
        }
        List<String> comps = reps.get(0);
        return c >= 1 && c <= comps.size() ? comps.get(c - 1) : "";
    }

    /** The segment as text with the standard delimiters, without the terminator. */
    public String text() {
        StringBuilder b = new StringBuilder(16 + elements.size() * 8).append(tag);
        int last = elements.size();
        while (last > 0 && isEmpty(elements.get(last - 1))) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            b.append('*');
            List<List<String>> reps = elements.get(i);
            for (int r = 0; r < reps.size(); r++) {
                if (r > 0) {
                    b.append('^');
                }
                List<String> comps = reps.get(r);
                int lc = comps.size();
                while (lc > 1 && comps.get(lc - 1).isEmpty()) {
                    lc--;
                }
                for (int c = 0; c < lc; c++) {
                    if (c > 0) {
                        b.append(':');
                    }
                    b.append(comps.get(c));
                }
            }
        }
        return b.toString();
    }

    private static boolean isEmpty(List<List<String>> reps) {
        for (List<String> comps : reps) {
            for (String s : comps) {
                if (!s.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        // never the content: values may be protected health information
        return tag + " (segment " + position + ", line " + line + ")";
    }
}
