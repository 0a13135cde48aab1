package org.codingkpi.kpi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The E/M levels of shared/spec/KPIS.md §5, in a fixed order (the slot of each level in the state):
 * office new 99202–99205, office established 99211–99215, hospital initial 99221–99223, hospital
 * subsequent 99231–99233, emergency department 99281–99285.
 */
public final class EmLevels {
    public static final List<String> CODES = List.of(
            "99202", "99203", "99204", "99205",
            "99211", "99212", "99213", "99214", "99215",
            "99221", "99222", "99223",
            "99231", "99232", "99233",
            "99281", "99282", "99283", "99284", "99285");
    public static final int COUNT = CODES.size();

    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < COUNT; i++) {
            INDEX.put(CODES.get(i), i);
        }
    }

    private EmLevels() {
    }

    /** The slot of a CPT code, or -1 when it is not one of the E/M levels. */
    public static int slot(String cpt) {
        Integer i = INDEX.get(cpt);
        return i == null ? -1 : i;
    }
}
