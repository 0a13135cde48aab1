package org.codingkpi.compliance;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A deterministic sample of at most {@code k} distinct encounter ids: those with the smallest hash
 * (murmur2 of the id). Merging samples gives the sample of the union, so the evidence of a finding
 * does not depend on the order in which the partitions' records arrived, and a replay gives the same
 * sample.
 */
final class Sample {
    private record Entry(int hash, String id) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingInt(Entry::hash).thenComparing(Entry::id);

    private final int k;
    private final TreeSet<Entry> entries = new TreeSet<>(ORDER);

    Sample(int k) {
        this.k = k;
    }

    /** @return whether the sample changed */
    boolean add(String id) {
        if (k == 0) {
            return false;
        }
        int hash = Utils.murmur2(id.getBytes(StandardCharsets.UTF_8));
        if (entries.size() >= k && hash > entries.last().hash()) {
            return false; // a full sample keeps only smaller hashes: nothing to build
        }
        return add(new Entry(hash, id));
    }

    private boolean add(Entry e) {
        if (k == 0) {
            return false;
        }
        if (entries.size() >= k && ORDER.compare(e, entries.last()) >= 0) {
            return false;
        }
        if (!entries.add(e)) {
            return false;
        }
        if (entries.size() > k) {
            entries.pollLast();
        }
        return true;
    }

    void addAll(Sample other) {
        for (Entry e : other.entries) {
            add(e);
        }
    }

    int size() {
        return entries.size();
    }

    List<String> ids() {
        List<String> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.id());
        }
        return out;
    }

    int k() {
        return k;
    }
}
