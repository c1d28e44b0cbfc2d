package org.camelopencode.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BranchNamesTest {

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "fix-bug            | opencode/fix-bug-1",
            "Fix Bug            | opencode/fix-bug-1",
            "'  spaced  out  '  | opencode/spaced-out-1",
            "a..b               | opencode/a.b-1",
            ".hidden            | opencode/hidden-1",
            "-dash              | opencode/dash-1",
            "ends.              | opencode/ends-1",
            "name.lock          | opencode/name-1",
            "x@{y}              | opencode/x-y-1",
            "what?*[~^:\\       | opencode/what-1",
            "über-straße        | opencode/ber-stra-e-1",
            "a/b/c              | opencode/a-b-c-1",
            "''                 | opencode/task-1",
            "'...'              | opencode/task-1",
            "'ok_1.2'           | opencode/ok_1.2-1"})
    void sanitisesTaskNames(String task, String branch) {
        assertThat(BranchNames.branch(task, 1)).isEqualTo(branch);
    }

    @ParameterizedTest(name = "''{0}'' passes git check-ref-format")
    @CsvSource(delimiter = '|', value = {"Fix Bug", "a..b", ".x.lock", "x@{y}", "what?*[~^:\\", "über", "''", "tab\there", "a/.b"})
    void gitAcceptsEveryName(String task) {
        String branch = BranchNames.branch(task, 12);
        assertThat(TestRepositories.git().succeeds(Path.of("."), "check-ref-format", "--branch", branch)).as(branch).isTrue();
    }

    @org.junit.jupiter.api.Test
    void capsLongNames() {
        String branch = BranchNames.branch("x".repeat(300), 3);
        assertThat(branch).hasSize(BranchNames.PREFIX.length() + BranchNames.MAX_TASK_LENGTH + 2).endsWith("x-3");
    }
}
