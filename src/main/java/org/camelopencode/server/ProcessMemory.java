package org.camelopencode.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Resident memory of a process tree, now and at its peak, read from Linux {@code /proc/<pid>/status} ({@code VmRSS},
 * {@code VmHWM}).
 */
public final class ProcessMemory {

    private static final String RESIDENT = "VmRSS:";
    private static final String PEAK_RESIDENT = "VmHWM:";

    private ProcessMemory() {
    }

    /**
     * @param pid the root process
     * @return the sum of {@code VmRSS} of the process and all its descendants in bytes, or -1 when the root is gone
     *     or {@code /proc} cannot be read (not Linux)
     */
    public static long residentBytesOfTree(long pid) {
        return sumOfTree(pid, RESIDENT);
    }

    /**
     * @param pid the root process
     * @return the sum of the peak resident sizes so far ({@code VmHWM}) of the process and its live descendants in
     *     bytes (an upper bound of the tree's peak), or -1 when the root is gone or {@code /proc} cannot be read
     */
    public static long peakResidentBytesOfTree(long pid) {
        return sumOfTree(pid, PEAK_RESIDENT);
    }

    private static long sumOfTree(long pid, String field) {
        ProcessHandle root = ProcessHandle.of(pid).orElse(null);
        if (root == null) {
            return -1;
        }
        long rootBytes = kilobyteField(pid, field);
        if (rootBytes < 0) {
            return -1;
        }
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            // A child that exits between listing and reading counts as 0.
            return rootBytes + descendants.mapToLong(child -> Math.max(0, kilobyteField(child.pid(), field))).sum();
        }
    }

    private static long kilobyteField(long pid, String field) {
        try {
            return parseKilobyteField(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8),
                    field);
        } catch (IOException | RuntimeException unreadable) {
            return -1;
        }
    }

    /**
     * @param status the text of {@code /proc/<pid>/status}
     * @return {@code VmRSS} in bytes (the file gives kB), or -1 when the line is missing or malformed (kernel threads,
     *     zombies)
     */
    static long parseResidentBytes(String status) {
        return parseKilobyteField(status, RESIDENT);
    }

    private static long parseKilobyteField(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field)) {
                String[] fields = line.substring(field.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(fields[0]) * 1024;
                } catch (NumberFormatException malformed) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
