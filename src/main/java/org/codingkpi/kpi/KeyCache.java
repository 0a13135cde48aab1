package org.codingkpi.kpi;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state keys of one series group (or compliance scope), by label values, built once: a trie of
 * maps, one level per label, whose leaves are the key strings. A rule that updates a series looks its
 * key up (a few hash lookups on the label strings, no allocation) instead of building a new string
 * per event, and the store then hashes a string whose hash is already cached.
 *
 * <p>Bounded: label values are capped per dimension (KPIS.md §2), but some keys carry a day; once
 * {@link #LIMIT} keys are cached (over every cache of the process) further keys are built each time,
 * which is only slower. Thread-safe: stream threads share the caches of the series groups.
 */
public final class KeyCache {
    /** At most this many keys over all caches (about 10 MB). */
    static final int LIMIT = 1 << 17;
    private static final AtomicInteger SIZE = new AtomicInteger();

    /** Builds the key of a label tuple (escaping and separators). */
    public interface Builder {
        String build(String[] labelValues);
    }

    private final int arity;
    private final Builder builder;
    private final ConcurrentHashMap<String, Object> root = new ConcurrentHashMap<>();

    public KeyCache(int arity, Builder builder) {
        this.arity = arity;
        this.builder = builder;
    }

    public String get(String a) {
        if (arity == 1) {
            Object k = root.get(a);
            if (k != null) {
                return (String) k;
            }
        }
        return miss(a);
    }

    public String get(String a, String b) {
        if (arity == 2) {
            Object k = leaf(child(root, a), b);
            if (k != null) {
                return (String) k;
            }
        }
        return miss(a, b);
    }

    public String get(String a, String b, String c) {
        if (arity == 3) {
            Object k = leaf(child(child(root, a), b), c);
            if (k != null) {
                return (String) k;
            }
        }
        return miss(a, b, c);
    }

    public String get(String a, String b, String c, String d) {
        if (arity == 4) {
            Object k = leaf(child(child(child(root, a), b), c), d);
            if (k != null) {
                return (String) k;
            }
        }
        return miss(a, b, c, d);
    }

    public String get(String a, String b, String c, String d, String e) {
        if (arity == 5) {
            Object k = leaf(child(child(child(child(root, a), b), c), d), e);
            if (k != null) {
                return (String) k;
            }
        }
        return miss(a, b, c, d, e);
    }

    public String get(String... values) {
        if (values.length == arity) {
            ConcurrentHashMap<String, Object> m = root;
            for (int i = 0; i < values.length - 1 && m != null; i++) {
                m = child(m, values[i]);
            }
            Object k = leaf(m, values[values.length - 1]);
            if (k != null) {
                return (String) k;
            }
        }
        return miss(values);
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, Object> child(ConcurrentHashMap<String, Object> m, String v) {
        return m == null ? null : (ConcurrentHashMap<String, Object>) m.get(v);
    }

    private static Object leaf(ConcurrentHashMap<String, Object> m, String v) {
        return m == null ? null : m.get(v);
    }

    /** Not cached yet: builds the key (which checks the arity) and caches it while there is room. */
    @SuppressWarnings("unchecked")
    private String miss(String... values) {
        String key = builder.build(values);
        if (SIZE.get() >= LIMIT) {
            return key;
        }
        ConcurrentHashMap<String, Object> m = root;
        for (int i = 0; i < values.length - 1; i++) {
            m = (ConcurrentHashMap<String, Object>) m.computeIfAbsent(values[i], v -> {
                SIZE.incrementAndGet();
                return new ConcurrentHashMap<String, Object>(4);
            });
        }
        Object previous = m.putIfAbsent(values[values.length - 1], key);
        if (previous == null) {
            SIZE.incrementAndGet();
            return key;
        }
        return (String) previous;
    }
}
