package org.camelopencode.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes skill folders visible to the agent for one dispatch: each folder (holding a {@code SKILL.md} with front matter
 * {@code name} and {@code description}) appears as {@code <working dir>/.opencode/skills/<folder name>}, where
 * OpenCode looks for project skills. A symbolic link when the file system allows one, else a copy. {@link #close()}
 * removes what this instance created, and nothing that existed before.
 */
public final class SkillFolders implements AutoCloseable {

    /** Where OpenCode looks for project skills, relative to the project directory. */
    public static final Path SKILLS = Path.of(".opencode", "skills");

    private static final Logger LOG = LoggerFactory.getLogger(SkillFolders.class);

    private final List<Path> created;

    private SkillFolders(List<Path> created) {
        this.created = created;
    }

    /**
     * @param workingDirectory the project directory of the agent (the CLI's {@code --dir}, the server's project)
     * @param folders skill folders; each must be a directory holding {@code SKILL.md}
     * @return the links made; close it after the dispatch
     * @throws IllegalArgumentException when a folder does not exist or has no {@code SKILL.md}, or two folders share
     *     a name (nothing is left linked then)
     * @throws UncheckedIOException when a link or copy cannot be made (nothing is left linked then)
     */
    public static SkillFolders link(Path workingDirectory, List<Path> folders) {
        List<Path> created = new ArrayList<>();
        SkillFolders links = new SkillFolders(created);
        if (folders == null || folders.isEmpty()) {
            return links;
        }
        Path skills = workingDirectory.toAbsolutePath().resolve(SKILLS);
        try {
            List<String> names = new ArrayList<>();
            for (Path folder : folders) {
                Path source = folder.toAbsolutePath().normalize();
                if (!Files.isDirectory(source) || !Files.isRegularFile(source.resolve("SKILL.md"))) {
                    throw new IllegalArgumentException("the skill folder " + source + " is not a directory holding SKILL.md");
                }
                String name = source.getFileName().toString();
                if (names.contains(name)) {
                    throw new IllegalArgumentException("two skill folders are named " + name);
                }
                names.add(name);
                linkOne(source, skills.resolve(name), created);
            }
            return links;
        } catch (RuntimeException failure) {
            links.close();
            throw failure;
        }
    }

    private static void linkOne(Path source, Path target, List<Path> created) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            LOG.debug("skill {} already exists at {}; left as it is", source.getFileName(), target);
            return;
        }
        try {
            List<Path> missingFolders = new ArrayList<>();
            for (Path folder = target.getParent(); folder != null && !Files.exists(folder); folder = folder.getParent()) {
                missingFolders.add(0, folder);
            }
            Files.createDirectories(target.getParent());
            created.addAll(missingFolders); // removed after the skill, and only when empty by then
            try {
                Files.createSymbolicLink(target, source);
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                if (noLinks instanceof FileAlreadyExistsException exists) {
                    throw exists;
                }
                copy(source, target);
            }
            created.add(target);
        } catch (IOException failure) {
            throw new UncheckedIOException("cannot make the skill " + source + " visible at " + target, failure);
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Files.createDirectories(target.resolve(source.relativize(directory).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** @return the links, copies and folders this instance created, to be removed by {@link #close()} */
    public List<Path> created() {
        return Collections.unmodifiableList(created);
    }

    /** Removes what {@link #link} created (a link itself, never its target's files); failures are logged. */
    @Override
    public void close() {
        for (int index = created.size() - 1; index >= 0; index--) {
            Path path = created.get(index);
            try {
                delete(path);
            } catch (IOException failure) {
                LOG.warn("cannot remove the skill link {}: {}", path, failure.getMessage());
            }
        }
        created.clear();
    }

    private static void delete(Path path) throws IOException {
        if (Files.isSymbolicLink(path) || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(path);
            return;
        }
        if (!Files.exists(path.resolve("SKILL.md"), LinkOption.NOFOLLOW_LINKS)) {
            // a folder made for the links: another dispatch may still use it
            try {
                Files.deleteIfExists(path);
            } catch (DirectoryNotEmptyException inUse) {
                LOG.debug("{} still holds other skills; kept", path);
            }
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
