package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.WorkspaceOutcome;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.ResultRecord;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TokenCounts;
import org.camelopencode.task.WorkspaceRecord;
import org.camelopencode.workspace.CapturedChanges;
import org.camelopencode.workspace.FileChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace fields of result and error records ({@code workspace, changes, patch, commit, branch}) and the patch file. */
class WorkspaceRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CamelContext CONTEXT = new DefaultCamelContext();
    private static final List<FileChange> CHANGES = List.of(new FileChange("a.txt", "added", 1, 0, null),
            new FileChange("b.txt", "renamed", 0, 0, "old-b.txt"));
    private static final byte[] PATCH = "diff --git a/a.txt b/a.txt\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path folder;

    private static Exchange exchange(String commit) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        AttemptHistory.start(exchange, List.of(new AttemptRecord(1, "ses_1", "p/m", "timeout", "slow", TokenCounts.NONE, 0, 5,
                "2025-01-31T10:15:30Z", null, "opencode/fix-1", List.of(new FileChange("half.txt", "added", 2, 0, null)))));
        exchange.setProperty(RunnerConstants.TASK, TaskSpec.ofPrompt("fix", "Fix it."));
        exchange.setProperty(WorkspaceOutcome.PROPERTY, new WorkspaceOutcome(
                new WorkspaceRecord("/repo", "worktree", "opencode/fix-2", "a".repeat(40)), new CapturedChanges(CHANGES, PATCH), commit));
        return exchange;
    }

    @Test
    void aResultRecordCarriesTheWorkspaceChangesPatchAndCommit() throws Exception {
        Exchange exchange = exchange("c".repeat(40));
        exchange.getMessage().setBody(new DispatchResult("ses_2", "msg_2", "p/m", "build", "done", null, new TokenUsage(1, 1, 0, 0, 0),
                0.1, "stop", Duration.ofMillis(10)));

        TaskRecordWriter.writeResult(exchange, "fix", folder);

        String json = exchange.getMessage().getBody(String.class);
        JsonNode record = JSON.readTree(json);
        assertThat(record.path("workspace").toString())
                .isEqualTo("{\"directory\":\"/repo\",\"mode\":\"worktree\",\"branch\":\"opencode/fix-2\",\"base\":\"" + "a".repeat(40) + "\"}");
        assertThat(record.path("changes").toString()).isEqualTo("[{\"file\":\"a.txt\",\"status\":\"added\",\"additions\":1,\"deletions\":0},"
                + "{\"file\":\"b.txt\",\"status\":\"renamed\",\"additions\":0,\"deletions\":0,\"from\":\"old-b.txt\"}]");
        assertThat(record.path("patch").asText()).isEqualTo("fix.patch");
        assertThat(record.path("commit").asText()).isEqualTo("c".repeat(40));
        assertThat(record.path("branch").asText()).isEqualTo("opencode/fix-2");
        assertThat(record.path("attempts").get(0).path("changes").get(0).path("file").asText()).isEqualTo("half.txt");
        assertThat(folder.resolve("fix.patch")).hasBinaryContent(PATCH);
        ResultRecord read = TaskRecords.readResult(json);
        assertThat(read.changes()).isEqualTo(CHANGES);
        assertThat(read.attempts().get(0).branch()).isEqualTo("opencode/fix-1");
        assertThat(TaskRecords.toJson(read)).isEqualTo(json);
    }

    @Test
    void aResultWithoutACommitHasNoCommitOrBranchAndNoFolderMeansNoPatch() throws Exception {
        Exchange exchange = exchange(null);
        exchange.getMessage().setBody(new DispatchResult("ses_2", "msg_2", "p/m", "build", "done", null, new TokenUsage(1, 1, 0, 0, 0),
                0.1, "stop", Duration.ofMillis(10)));

        TaskRecordWriter.writeResult(exchange, "fix", null);

        JsonNode record = JSON.readTree(exchange.getMessage().getBody(String.class));
        assertThat(record.has("commit")).isFalse();
        assertThat(record.has("branch")).isFalse();
        assertThat(record.has("patch")).isFalse();
        assertThat(record.path("changes").size()).isEqualTo(2);
    }

    @Test
    void anErrorRecordCarriesTheLastAttemptsChangesAndPatch() throws Exception {
        Exchange exchange = exchange(null);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new OpenCodeFailureException(FailureKind.TIMEOUT, "slow"));

        TaskRecordWriter.writeError(exchange, "fix", folder);

        String json = exchange.getMessage().getBody(String.class);
        ErrorRecord record = TaskRecords.readError(json);
        assertThat(record.changes()).isEqualTo(CHANGES);
        assertThat(record.patch()).isEqualTo("fix.patch");
        assertThat(record.workspace().branch()).isEqualTo("opencode/fix-2");
        assertThat(Files.readAllBytes(folder.resolve("fix.patch"))).isEqualTo(PATCH);
        assertThat(TaskRecords.toJson(record)).isEqualTo(json);
    }

    @Test
    void aTaskWithoutAWorkspaceKeepsItsRecordAsBefore() throws Exception {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getMessage().setBody(new DispatchResult("ses_2", "msg_2", "p/m", "build", "done", null, new TokenUsage(1, 1, 0, 0, 0),
                0.1, "stop", Duration.ofMillis(10)));
        TaskRecordWriter.writeResult(exchange, "plain", folder);
        JsonNode record = JSON.readTree(exchange.getMessage().getBody(String.class));
        assertThat(record.has("workspace")).isFalse();
        assertThat(record.has("changes")).isFalse();
        assertThat(Files.list(folder)).isEmpty();
    }
}
