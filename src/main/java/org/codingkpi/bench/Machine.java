package org.codingkpi.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the benchmark reads from this JVM and this process: CPU time, heap, resident memory, disk. */
final class Machine {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path STATUS = Path.of("/proc/self/status");

    private Machine() {
    }

    /** CPU time (user + system) of the whole process: every thread, the embedded broker's included. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the calling thread. */
    static long currentThreadCpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /**
     * CPU time of the Kafka Streams stream threads of one application, by thread id. Their names are
     * {@code <client.id>-StreamThread-<n>}, and the client id starts with the application id.
     */
    static Map<Long, Long> streamThreadCpu(String applicationId) {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(applicationId + "-") && t.getThreadName().contains("-StreamThread-")) {
                long ns = THREADS.getThreadCpuTime(t.getThreadId());
                if (ns >= 0) {
                    cpu.put(t.getThreadId(), ns);
                }
            }
        }
        return cpu;
    }

    /** CPU spent between two readings of {@link #streamThreadCpu}; a thread born in between counts from 0. */
    static long cpuBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long total = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            total += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return total;
    }

    /** Heap used just after a full collection. */
    static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Peak resident set size (VmHWM) in bytes, or -1 when /proc is not there. */
    static long peakRss() {
        return statusBytes("VmHWM");
    }

    /** Resident set size now (VmRSS) in bytes, or -1. */
    static long rss() {
        return statusBytes("VmRSS");
    }

    /**
     * Resets the peak resident set size to the current one (Linux: {@code 5 > /proc/self/clear_refs}),
     * so that a later {@link #peakRss()} is the peak of what ran in between. False when not possible.
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long statusBytes(String key) {
        try {
            return statusKb(Files.readString(STATUS), key) * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The value in kB of a {@code Key:   123 kB} line of /proc/PID/status, or -1 when absent. */
    static long statusKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String v = line.substring(key.length() + 1).trim();
                int space = v.indexOf(' ');
                return Long.parseLong(space < 0 ? v : v.substring(0, space));
            }
        }
        return -1;
    }

    /** Bytes of the regular files under a directory (0 when it does not exist). */
    static long dirSize(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1; // a file went away while walking (RocksDB compaction); rare, and shown as unknown
        }
    }

    /** The load average of the last minute, or -1. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
