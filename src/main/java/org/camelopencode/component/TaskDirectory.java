package org.camelopencode.component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * Resolves the directory a task names ({@code directory} key, {@code CamelOpenCodeDirectory} header or the
 * {@code directory} option) to the real, absolute directory its session works in, and checks it before anything is
 * dispatched: it must exist, be a directory and, when a workspaces root is set, lie inside it after symbolic links and
 * {@code ..} are resolved (the real path, so a link inside the root cannot lead out of it).
 */
final class TaskDirectory {

    private TaskDirectory() {
    }

    /**
     * @param requested the directory as the task names it: absolute, or relative; {@code null} or blank for none
     * @param workspacesRoot the confining root ({@code workspacesRoot} option, {@code opencode.workspaces.root}), or
     *     {@code null} for none
     * @param projectDirectory where a relative directory resolves when no root is set (the server's project directory,
     *     else the working directory); asked only then
     * @return the real path of the directory, or {@code null} when none is requested (the server's own directory)
     * @throws OpenCodeFailureException {@code invalid_task} when the directory (or the root) does not exist or is not a
     *     directory, or lies outside the root; the message names the directory as given and the root
     */
    static Path resolve(String requested, String workspacesRoot, Supplier<Path> projectDirectory) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        Path root = workspacesRoot == null || workspacesRoot.isBlank() ? null : realDirectory(workspacesRoot.strip(), null,
                "the workspaces root (opencode.workspaces.root / workspacesRoot)");
        Path given;
        try {
            given = Path.of(requested.strip());
        } catch (InvalidPathException malformed) {
            throw invalid("directory '" + requested + "' is not a valid path: " + malformed.getMessage());
        }
        Path base = given.isAbsolute() ? null : root != null ? root : projectDirectory.get().toAbsolutePath();
        Path real = realDirectory(requested.strip(), base, "directory");
        if (root != null && !real.startsWith(root)) {
            throw invalid("directory '" + requested + "' (" + real + ") lies outside the workspaces root " + root);
        }
        return real;
    }

    private static Path realDirectory(String path, Path base, String what) {
        Path absolute = base == null ? Path.of(path).toAbsolutePath() : base.resolve(path);
        if (!Files.isDirectory(absolute)) {
            throw invalid(what + " '" + path + "' " + (Files.exists(absolute) ? "is not a directory" : "does not exist")
                    + (base == null ? "" : " (resolved against " + base + ")"));
        }
        try {
            return absolute.toRealPath();
        } catch (IOException unreadable) {
            throw invalid(what + " '" + path + "' cannot be resolved: " + unreadable.getMessage());
        }
    }

    private static OpenCodeFailureException invalid(String message) {
        return new OpenCodeFailureException(FailureKind.INVALID_TASK, message);
    }
}
