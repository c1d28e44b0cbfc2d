package org.camelopencode.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Resident memory of a process tree, read from Linux {@code /proc/<pid>/status} ({@code VmRSS}). */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /**
     * @param pid the root process
     * @return the sum of {@code VmRSS} of the process and all its descendants in bytes, or -1 when the root is gone
     *     or {@code /proc} cannot be read (not Linux)
     */
    public static long residentBytesOfTree(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElse(null);
        if (root == null) {
            return -1;
        }
        long rootBytes = residentBytes(pid);
        if (rootBytes < 0) {
            return -1;
        }
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            // A child that exits between listing and reading counts as 0.
            return rootBytes + descendants.mapToLong(child -> Math.max(0, residentBytes(child.pid()))).sum();
        }
    }

    /**
     * @param pid a process
     * @return its {@code VmRSS} in bytes, or -1 when unreadable
     */
    static long residentBytes(long pid) {
        try {
            return parseResidentBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8));
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
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
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
