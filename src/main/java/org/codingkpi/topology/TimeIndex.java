package org.codingkpi.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Retention for key-value stores: an index of (store tag, time, key) in one store, so that entries
 * older than a retention can be found with one range scan and deleted. Point lookups stay point
 * lookups (a window store would open an iterator per segment on every read), which is what keeps
 * the duplicate check and the attribution look-up cheap on the hot path.
 */
final class TimeIndex {
    private static final byte[] PRESENT = new byte[0];
    private final KeyValueStore<String, byte[]> index;

    TimeIndex(KeyValueStore<String, byte[]> index) {
        this.index = index;
    }

    void add(char tag, long timeMs, String key) {
        index.put(entry(tag, timeMs, key), PRESENT);
    }

    void remove(char tag, long timeMs, String key) {
        index.delete(entry(tag, timeMs, key));
    }

    /** Removes from the index, and returns, the keys of {@code tag} indexed at a time before {@code limitMs}. */
    List<String> expire(char tag, long limitMs) {
        List<String> keys = new ArrayList<>();
        if (limitMs <= 0) {
            return keys;
        }
        List<String> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = index.range(entry(tag, 0, ""), entry(tag, limitMs - 1, "\uffff"))) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                entries.add(kv.key);
                keys.add(kv.key.substring(17));
            }
        }
        entries.forEach(index::delete);
        return keys;
    }

    private static String entry(char tag, long timeMs, String key) {
        String hex = Long.toHexString(Math.max(0, timeMs));
        StringBuilder sb = new StringBuilder(18 + key.length()).append(tag);
        for (int i = hex.length(); i < 16; i++) {
            sb.append('0');
        }
        return sb.append(hex).append(key).toString();
    }
}
