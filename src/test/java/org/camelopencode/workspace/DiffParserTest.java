package org.camelopencode.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiffParserTest {

    @Test
    void joinsStatusesAndCounts() {
        String nameStatus = "A\0new.txt\0M\0src/a.java\0D\0old.txt\0R087\0from.txt\0to.txt\0T\0link\0A\0image.png\0";
        String numstat = "2\t0\tnew.txt\0" + "5\t3\tsrc/a.java\0" + "0\t4\told.txt\0" + "1\t1\t\0from.txt\0to.txt\0"
                + "1\t1\tlink\0" + "-\t-\timage.png\0";
        assertThat(DiffParser.changes(nameStatus, numstat)).containsExactly(
                new FileChange("new.txt", "added", 2, 0, null),
                new FileChange("src/a.java", "modified", 5, 3, null),
                new FileChange("old.txt", "deleted", 0, 4, null),
                new FileChange("to.txt", "renamed", 1, 1, "from.txt"),
                new FileChange("link", "modified", 1, 1, null),
                new FileChange("image.png", "added", 0, 0, null));
    }

    @Test
    void emptyDiffHasNoChanges() {
        assertThat(DiffParser.changes("", "")).isEqualTo(List.of());
    }

    @Test
    void rejectsTruncatedOutput() {
        assertThatThrownBy(() -> DiffParser.changes("R100\0only-old\0", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends early");
        assertThatThrownBy(() -> DiffParser.changes("X\0file\0", "")).hasMessageContaining("unknown git diff status 'X'");
    }
}
