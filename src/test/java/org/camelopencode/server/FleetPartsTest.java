package org.camelopencode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet's pure parts: restart backoff, recycle decisions, VmRSS parsing, the capped log. */
class FleetPartsTest {

    @TempDir
    Path temporary;

    @Test
    void backoffDoublesUpToTheMaximumAndResetsAfterAStableRun() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(new Duration[] {backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay(),
                backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay()})
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30));
        backoff.recordHealthy(Duration.ofSeconds(29));
        assertThat(backoff.nextDelay()).as("healthy for less than the maximum: still backing off").isEqualTo(Duration.ofSeconds(30));
        backoff.recordHealthy(Duration.ofSeconds(30));
        assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RestartBackoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recyclePolicyNamesTheLimitReached() {
        RecyclePolicy policy = new RecyclePolicy(100, 2L * 1024 * 1024 * 1024);
        assertThat(policy.reasonToRecycle(99, 1024)).isEmpty();
        assertThat(policy.reasonToRecycle(100, 1024)).hasValue("served 100 sessions (recycle after 100)");
        assertThat(policy.reasonToRecycle(5, 3L * 1024 * 1024 * 1024)).hasValue("holds 3072 MiB resident memory (recycle above 2048 MiB)");
        assertThat(policy.reasonToRecycle(5, -1)).as("unknown memory never triggers").isEmpty();
        assertThat(RecyclePolicy.NEVER.reasonToRecycle(1_000_000, Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> new RecyclePolicy(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void residentMemoryIsReadFromProcStatus() {
        assertThat(ProcessMemory.parseResidentBytes("Name:\topencode\nVmPeak:\t  900000 kB\nVmRSS:\t  750000 kB\nThreads:\t12\n"))
                .isEqualTo(750000L * 1024);
        assertThat(ProcessMemory.parseResidentBytes("Name:\tkthreadd\nThreads:\t1\n")).isEqualTo(-1);
        assertThat(ProcessMemory.parseResidentBytes("VmRSS:\tlots kB\n")).isEqualTo(-1);
        long own = ProcessMemory.residentBytesOfTree(ProcessHandle.current().pid());
        assertThat(own).as("this JVM's resident memory").isGreaterThan(10L * 1024 * 1024);
        assertThat(ProcessMemory.residentBytesOfTree(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void logIsRenamedWhenTheNextLineWouldPassTheCap() throws Exception {
        Path file = temporary.resolve("opencode-server.log");
        try (RotatingLog log = new RotatingLog(file, 20)) {
            log.writeLine("0123456789"); // 11 bytes with the line separator
            log.writeLine("abcdefghij"); // 22 > 20: the first line moves to .1
            log.writeLine("klm");
        }
        assertThat(Files.readString(temporary.resolve("opencode-server.log.1"))).isEqualTo("0123456789" + System.lineSeparator());
        assertThat(Files.readString(file)).isEqualTo("abcdefghij" + System.lineSeparator() + "klm" + System.lineSeparator());
        try (RotatingLog log = new RotatingLog(file, 0)) {
            for (int line = 0; line < 100; line++) {
                log.writeLine("no cap");
            }
        }
        assertThat(Files.readAllLines(file)).hasSize(102);
    }
}
