package org.camelopencode.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of process trees, read from Linux's {@code /proc/<pid>/stat}: user + system time of the process and of its
 * children that have ended ({@code utime stime cutime cstime}), plus its live descendants.
 */
final class ProcessCpu {

    /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}); 100 on every mainstream Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /**
     * @param pid a process
     * @return CPU seconds it and its live descendants have used, including ended children it has waited for; 0 when gone
     */
    static double treeSeconds(long pid) {
        return ProcessHandle.of(pid).map(root -> Stream.concat(Stream.of(root), root.descendants())
                .mapToDouble(process -> ownSeconds(process.pid())).sum()).orElse(0.0);
    }

    private static double ownSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = 0;
            for (int index = 11; index <= 14; index++) { // fields 14-17: utime, stime, cutime, cstime
                ticks += Long.parseLong(fields[index]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
