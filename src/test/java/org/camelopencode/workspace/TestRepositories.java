package org.camelopencode.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real git repositories in temporary folders for the tests of this package and the component's. */
public final class TestRepositories {

    private static final Git GIT = new Git();

    private TestRepositories() {
    }

    /**
     * @param folder an empty folder
     * @param files pairs of path and content committed on branch {@code main}
     * @return the repository's real path
     * @throws IOException when a file cannot be written
     */
    public static Path create(Path folder, String... files) throws IOException {
        Files.createDirectories(folder);
        GIT.run(folder, "init", "--quiet", "--initial-branch=main");
        for (int i = 0; i + 1 < files.length; i += 2) {
            Path file = folder.resolve(files[i]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, files[i + 1]);
        }
        GIT.run(folder, "add", "-A");
        GIT.run(folder, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "--allow-empty", "-m", "init");
        return folder.toRealPath();
    }

    /** @return the git command line the tests use */
    public static Git git() {
        return GIT;
    }
}
