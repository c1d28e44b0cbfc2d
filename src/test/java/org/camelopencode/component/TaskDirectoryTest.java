package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskDirectoryTest {

    @TempDir
    Path temp;
    private Path root;
    private Path project;

    @BeforeEach
    void folders() throws Exception {
        root = Files.createDirectories(temp.resolve("root"));
        project = Files.createDirectories(temp.resolve("project"));
        Files.createDirectories(root.resolve("repo-a/sub"));
        Files.createDirectories(project.resolve("repo-p"));
        Files.createDirectories(temp.resolve("outside"));
        Files.writeString(root.resolve("file.txt"), "not a directory");
        Files.createSymbolicLink(root.resolve("link-out"), temp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link-in"), root.resolve("repo-a"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            repo-a              | true  | root/repo-a
            repo-a/sub/..       | true  | root/repo-a
            link-in             | true  | root/repo-a
            .                   | true  | root
            repo-p              | false | project/repo-p
            """)
    void relativeDirectoriesResolveAgainstTheRootElseTheProject(String requested, boolean withRoot, String expected) throws Exception {
        Path resolved = TaskDirectory.resolve(requested, withRoot ? root.toString() : null, () -> project);

        assertThat(resolved).isEqualTo(temp.resolve(expected).toRealPath());
    }

    @Test
    void anAbsoluteDirectoryNeedsNoRootAndNoneMeansTheServersOwn() throws Exception {
        assertThat(TaskDirectory.resolve(temp.resolve("outside").toString(), null, () -> project))
                .isEqualTo(temp.resolve("outside").toRealPath());
        assertThat(TaskDirectory.resolve(null, root.toString(), () -> project)).isNull();
        assertThat(TaskDirectory.resolve("  ", root.toString(), () -> project)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            missing            | does not exist
            file.txt           | is not a directory
            ../outside         | lies outside the workspaces root
            link-out           | lies outside the workspaces root
            """)
    void badDirectoriesAreInvalidTasks(String requested, String problem) {
        assertThatThrownBy(() -> TaskDirectory.resolve(requested, root.toString(), () -> project))
                .isInstanceOfSatisfying(OpenCodeFailureException.class,
                        failure -> assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageContaining("directory '" + requested + "'").hasMessageContaining(problem);
    }

    @Test
    void anAbsoluteDirectoryOutsideTheRootIsAnInvalidTask() throws Exception {
        assertThatThrownBy(() -> TaskDirectory.resolve(temp.resolve("outside").toString(), root.toString(), () -> project))
                .isInstanceOf(OpenCodeFailureException.class).hasMessageContaining("lies outside the workspaces root " + root.toRealPath());
    }

    @Test
    void aMissingRootIsAnInvalidTask() {
        assertThatThrownBy(() -> TaskDirectory.resolve("repo-a", temp.resolve("nowhere").toString(), () -> project))
                .isInstanceOf(OpenCodeFailureException.class).hasMessageContaining("the workspaces root").hasMessageContaining("does not exist");
    }
}
