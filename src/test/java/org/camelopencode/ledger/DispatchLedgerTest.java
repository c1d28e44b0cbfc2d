package org.camelopencode.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger on the default embedded H2 file database; {@link DispatchLedgerPostgresTest} runs the same on PostgreSQL. */
class DispatchLedgerTest {

    @TempDir
    Path folder;

    /** @return where this test class keeps its ledger (a new database per test) */
    LedgerSettings settings() throws Exception {
        return new LedgerSettings("jdbc:h2:file:" + folder.resolve("ledger").toAbsolutePath() + ";AUTO_SERVER=FALSE", "sa", "s3cret");
    }

    private static DispatchResult result(String session) throws Exception {
        return new DispatchResult(session, "msg_1", "scripted/echo", "build", "done", OpenCodeJson.mapper().readTree("{\"a\":[1,2]}"),
                new TokenUsage(10, 5, 2, 1, 0), 0.25, "stop", Duration.ofMillis(812));
    }

    @Test
    void migratesAndRecordsTheLifeOfAnAttempt() throws Exception {
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            long id = ledger.begin("a.md#abc", "a", "run-1", "plan", 1, "scripted/echo");
            assertThat(ledger.findRunning("a.md#abc")).get().satisfies(entry -> {
                assertThat(entry.id()).isEqualTo(id);
                assertThat(entry.status()).isEqualTo(DispatchStatus.RUNNING);
                assertThat(entry.sessionId()).isNull();
                assertThat(entry.runId()).isEqualTo("run-1");
                assertThat(entry.stage()).isEqualTo("plan");
            });
            assertThat(ledger.unfinished()).extracting(LedgerEntry::id).containsExactly(id);

            ledger.attachSession(id, "instance-1", "ses_1");
            assertThat(ledger.findRunning("a.md#abc")).get().extracting(LedgerEntry::server, LedgerEntry::sessionId)
                    .containsExactly("instance-1", "ses_1");

            ledger.complete(id, result("ses_1"));
            assertThat(ledger.findRunning("a.md#abc")).isEmpty();
            assertThat(ledger.unfinished()).isEmpty();
            LedgerEntry completed = ledger.findCompleted("a.md#abc").orElseThrow();
            assertThat(completed.status()).isEqualTo(DispatchStatus.COMPLETED);
            assertThat(completed.tokensInput()).isEqualTo(10);
            assertThat(completed.tokensOutput()).isEqualTo(5);
            assertThat(completed.tokensReasoning()).isEqualTo(2);
            assertThat(completed.cost()).isEqualTo(0.25);
            assertThat(completed.endedAt()).isAfterOrEqualTo(completed.startedAt());
            assertThat(completed.result()).isEqualTo(result("ses_1"));
            assertThat(completed.describe()).contains("#" + id, "a attempt 1 completed", "instance-1", "ses_1", "tokens 10/5/2",
                    "cost 0.2500");
        }
    }

    @Test
    void recordsTheWorktreeAnAttemptWorksInAndReadsItBackAfterReopening() throws Exception {
        RecordedWorktree worktree = new RecordedWorktree("/repo/.git/opencode-worktrees/fix-1", "opencode/fix-1",
                "0123456789abcdef0123456789abcdef01234567");
        long inWorktree;
        long plain;
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            inWorktree = ledger.begin("fix.md#1", "fix", null, null, 1, "scripted/echo", worktree);
            plain = ledger.begin("other.md#2", "other", null, null, 1, "scripted/echo");
            ledger.attachSession(inWorktree, "instance-1", "ses_1");
        }
        try (DispatchLedger reopened = DispatchLedger.open(settings())) {
            assertThat(reopened.unfinished()).extracting(LedgerEntry::id, LedgerEntry::worktree)
                    .containsExactly(Tuple.tuple(inWorktree, worktree), Tuple.tuple(plain, null));
            reopened.complete(inWorktree, result("ses_1"));
            assertThat(reopened.find(inWorktree)).get().extracting(LedgerEntry::worktree).as("kept with the finished entry")
                    .isEqualTo(worktree);
        }
    }

    @Test
    void recordsTheMessageAContinuedSessionIsJudgedAfterWithItsSession() throws Exception {
        long continued;
        long fresh;
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            continued = ledger.begin("follow-up.md#1", "follow-up", null, null, 1, "scripted/echo");
            fresh = ledger.begin("new.md#2", "new", null, null, 1, "scripted/echo");
            ledger.attachSession(continued, "instance-1", "ses_earlier", "msg_earlier_reply");
            ledger.attachSession(fresh, "instance-1", "ses_new");
        }
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            assertThat(ledger.findRunning("follow-up.md#1")).get().satisfies(entry -> {
                assertThat(entry.sessionId()).isEqualTo("ses_earlier");
                assertThat(entry.judgedAfter()).isEqualTo("msg_earlier_reply");
            });
            assertThat(ledger.find(fresh).orElseThrow().judgedAfter()).isNull();
        }
    }

    @Test
    void keepsFailuresAndEntriesAcrossReopening() throws Exception {
        long failed;
        long running;
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            failed = ledger.begin("k", "t", null, null, 1, null);
            ledger.fail(failed, FailureKind.TIMEOUT, "x".repeat(5000), new TokenUsage(3, 4, 0, 0, 0), 0.5);
            running = ledger.begin("k", "t", null, null, 2, null);
        }
        // A second open (a restarted runner) migrates nothing again and sees what the first left.
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            LedgerEntry failure = ledger.find(failed).orElseThrow();
            assertThat(failure.status()).isEqualTo(DispatchStatus.FAILED);
            assertThat(failure.failureKind()).isEqualTo("timeout");
            assertThat(failure.errorMessage()).hasSize(4000);
            assertThat(failure.result()).isNull();
            assertThat(ledger.findCompleted("k")).isEmpty();
            assertThat(ledger.findRunning("k")).get().extracting(LedgerEntry::id, LedgerEntry::attempt).containsExactly(running, 2);
            assertThat(ledger.unfinished()).extracting(LedgerEntry::id).containsExactly(running);
            assertThat(ledger.history("k")).extracting(LedgerEntry::attempt).containsExactly(1, 2);
            assertThat(ledger.recent(1)).extracting(LedgerEntry::id).containsExactly(running);
            assertThat(ledger.recent(10)).extracting(LedgerEntry::id).containsExactly(running, failed);
        }
        assertStoredDurably();
    }

    /** The H2 ledger lives in its file. */
    void assertStoredDurably() {
        assertThat(Files.exists(folder.resolve("ledger.mv.db"))).isTrue();
    }

    @Test
    void rejectsBadInputClearly() throws Exception {
        assertThatThrownBy(() -> new LedgerSettings("postgres://x", null, null)).hasMessageContaining("JDBC URL");
        assertThatThrownBy(() -> new LedgerSettings(" ", null, null)).hasMessageContaining("opencode.ledger.url");
        assertThat(settings().toString()).doesNotContain("s3cret").contains("***");
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            assertThatThrownBy(() -> ledger.begin(" ", null, null, null, 1, null)).hasMessageContaining("task key");
            assertThatThrownBy(() -> ledger.attachSession(999, "s", "ses")).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("no such entry");
            assertThatThrownBy(() -> ledger.recent(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
