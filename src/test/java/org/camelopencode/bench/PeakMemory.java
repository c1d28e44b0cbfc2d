package org.camelopencode.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Peak resident memory of processes, read from Linux's {@code /proc/<pid>/status} ({@code VmHWM}). */
final class PeakMemory {

    private PeakMemory() {
    }

    /**
     * @param pid a running process
     * @return its peak resident set size so far in bytes ({@code VmHWM}), 0 when it is gone or has none
     */
    static long highWaterMarkBytes(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmHWM:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /**
     * @param root a running process
     * @return the sum of the peaks of it and its descendants in bytes (an upper bound of the tree's peak)
     */
    static long highWaterMarkOfTreeBytes(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(process -> highWaterMarkBytes(process.pid())).sum();
    }
}
