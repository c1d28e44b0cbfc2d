package org.camelopencode.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SkillFolders}: links made visible under {@code .opencode/skills}, removed after, existing ones left alone. */
class SkillFoldersTest {

    @TempDir
    Path temp;

    private Path skill(String name) throws IOException {
        Path folder = Files.createDirectories(temp.resolve("library").resolve(name));
        Files.writeString(folder.resolve("SKILL.md"), "---\nname: " + name + "\ndescription: test\n---\nbody\n");
        return folder;
    }

    @Test
    void linksEachFolderByNameAndRemovesThemAndTheFoldersItMade() throws IOException {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path first = skill("first");
        Path second = skill("second");
        try (SkillFolders links = SkillFolders.link(project, List.of(first, second))) {
            Path linked = project.resolve(".opencode/skills/first");
            assertThat(Files.isSymbolicLink(linked)).isTrue();
            assertThat(linked.resolve("SKILL.md")).hasContent("---\nname: first\ndescription: test\n---\nbody");
            assertThat(project.resolve(".opencode/skills/second/SKILL.md")).exists();
            assertThat(links.created()).contains(linked);
        }
        assertThat(project.resolve(".opencode")).doesNotExist();
        assertThat(first.resolve("SKILL.md")).as("the source is never touched").exists();
    }

    @Test
    void anExistingSkillAndOtherContentAreLeftAlone() throws IOException {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path existing = Files.createDirectories(project.resolve(".opencode/skills/first"));
        Files.writeString(existing.resolve("SKILL.md"), "mine");
        try (SkillFolders links = SkillFolders.link(project, List.of(skill("first"), skill("other")))) {
            assertThat(links.created()).containsExactly(project.resolve(".opencode/skills/other"));
        }
        assertThat(existing.resolve("SKILL.md")).hasContent("mine");
        assertThat(project.resolve(".opencode/skills/other")).doesNotExist();
    }

    @Test
    void aFolderWithoutSkillMdIsRefusedAndNothingStaysLinked() throws IOException {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path good = skill("good");
        Path notASkill = Files.createDirectories(temp.resolve("plain"));
        assertThatThrownBy(() -> SkillFolders.link(project, List.of(good, notASkill)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SKILL.md");
        assertThat(project.resolve(".opencode")).doesNotExist();
    }
}
