package org.camelopencode.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the worktrees a crashed runner left in one repository: those under {@code <git-common-dir>/opencode-worktrees}
 * whose lock reason ({@link Worktrees#OWNER_PREFIX}{@code <pid> on <host>}) names this host and a process that no
 * longer runs, plus the stale entries of folders already gone ({@code git worktree prune}). Their {@code opencode/*}
 * branches go too when they have no commits of their own (every commit on them is on another branch, tag or remote
 * ref); a branch with its own commits is kept and logged. Worktrees of live runners, of other hosts (their processes
 * cannot be checked from here), kept ones (unlocked, {@link Worktrees#keep}) and resumable ones (an unfinished
 * attempt works in them: {@link Worktrees#keepResumable}) are left alone.
 */
final class WorktreeSweep {

    private static final Logger LOG = LoggerFactory.getLogger(WorktreeSweep.class);

    private final Git git;
    private final String owner;
    private final Supplier<Set<Path>> resumable;

    /**
     * @param git the git command line
     * @param owner this process's lock reason
     * @param resumable the folders of worktrees to keep although their runner is gone (asked once, when needed)
     */
    WorktreeSweep(Git git, String owner, Supplier<Set<Path>> resumable) {
        this.git = git;
        this.owner = owner;
        this.resumable = resumable;
    }

    /**
     * @param repository the repository's working tree
     * @param folder the folder of the component's worktrees
     * @return how many worktrees were removed
     * @throws GitException when git fails
     */
    int sweep(Path repository, Path folder) {
        git.run(repository, "worktree", "prune");
        List<Entry> abandoned = parse(git.run(repository, "worktree", "list", "--porcelain")).stream()
                .filter(entry -> entry.path().startsWith(folder) && abandoned(entry.lockReason(), owner)).toList();
        if (abandoned.isEmpty()) {
            return 0;
        }
        Optional<Set<Path>> keep = resumableFolders();
        if (keep.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (Entry entry : abandoned) {
            if (keep.get().contains(Worktrees.normalized(entry.path()))) {
                LOG.info("Kept worktree {} of a stopped runner: an unfinished attempt works in it and resumes there", entry.path());
                continue;
            }
            git.run(repository, "worktree", "remove", "--force", "--force", entry.path().toString());
            removed++;
            entry.branch().ifPresent(branch -> removeBranchWithoutOwnCommits(repository, branch));
        }
        if (removed > 0) {
            LOG.info("Swept {} worktrees a stopped runner left in {}", removed, repository);
        }
        return removed;
    }

    /** @return the resumable folders, normalized; empty when they cannot be known (then nothing is removed) */
    private Optional<Set<Path>> resumableFolders() {
        try {
            Set<Path> folders = new HashSet<>();
            resumable.get().forEach(path -> folders.add(Worktrees.normalized(path)));
            return Optional.of(folders);
        } catch (RuntimeException unknown) {
            LOG.warn("The sweep keeps every worktree of stopped runners: which of them unfinished attempts work in could not be read: {}",
                    unknown.getMessage());
            return Optional.empty();
        }
    }

    private void removeBranchWithoutOwnCommits(Path repository, String branch) {
        if (!branch.startsWith(BranchNames.PREFIX)) {
            return;
        }
        String containing = git.run(repository, "for-each-ref", "--format=%(refname)", "--contains", "refs/heads/" + branch,
                "refs/heads/", "refs/tags/", "refs/remotes/");
        boolean elsewhere = containing.lines().anyMatch(ref -> !ref.startsWith("refs/heads/" + BranchNames.PREFIX));
        if (elsewhere) {
            git.run(repository, "branch", "-D", "--quiet", branch);
        } else {
            LOG.info("Kept branch {} in {}: it has commits of its own", branch, repository);
        }
    }

    /**
     * Whether a lock reason names a runner of this host that is gone (pure but for the process table).
     *
     * @param lockReason the worktree's lock reason, {@code null} when unlocked
     * @param ownReason this process's lock reason
     * @return true for {@code camel-opencode pid <pid> on <this host>} of a process other than this one that no longer runs
     */
    static boolean abandoned(String lockReason, String ownReason) {
        if (lockReason == null || !lockReason.startsWith(Worktrees.OWNER_PREFIX) || lockReason.equals(ownReason)) {
            return false;
        }
        String[] pidAndHost = lockReason.substring(Worktrees.OWNER_PREFIX.length()).split(" on ", 2);
        String ownHost = ownReason.substring(ownReason.indexOf(" on ") + " on ".length());
        if (pidAndHost.length != 2 || !pidAndHost[1].equals(ownHost)) {
            return false;
        }
        try {
            long pid = Long.parseLong(pidAndHost[0]);
            return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
        } catch (NumberFormatException notOurs) {
            return false;
        }
    }

    /**
     * Reads {@code git worktree list --porcelain} (pure): blocks of {@code worktree <path>}, {@code HEAD <sha>},
     * {@code branch refs/heads/<name>} or {@code detached}, {@code locked [<reason>]}, {@code prunable [<reason>]},
     * separated by empty lines.
     *
     * @param porcelain git's output
     * @return one entry per worktree, the main one first
     */
    static List<Entry> parse(String porcelain) {
        List<Entry> entries = new ArrayList<>();
        Path path = null;
        String branch = null;
        String lockReason = null;
        for (String line : (porcelain + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (path != null) {
                    entries.add(new Entry(path, Optional.ofNullable(branch), lockReason));
                }
                path = null;
                branch = null;
                lockReason = null;
            } else if (line.startsWith("worktree ")) {
                path = Path.of(line.substring("worktree ".length()));
            } else if (line.startsWith("branch refs/heads/")) {
                branch = line.substring("branch refs/heads/".length());
            } else if (line.equals("locked")) {
                lockReason = "";
            } else if (line.startsWith("locked ")) {
                lockReason = line.substring("locked ".length());
            }
        }
        return entries;
    }

    /**
     * One worktree of the list.
     *
     * @param path its folder
     * @param branch its branch without {@code refs/heads/}, empty when detached
     * @param lockReason the reason it is locked, {@code ""} when locked without one, {@code null} when unlocked
     */
    record Entry(Path path, Optional<String> branch, String lockReason) {
    }
}
