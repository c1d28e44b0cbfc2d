package org.camelopencode.workspace;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and removes the worktrees of attempts: {@code git worktree add --lock -b opencode/<task>-<attempt>
 * <git-common-dir>/opencode-worktrees/<task>-<attempt> <base sha>}, then {@code git worktree remove} and
 * {@code git branch -D}. Each worktree is locked with the reason {@value #OWNER_PREFIX}{@code <pid> on <host>}, so
 * {@link WorktreeSweep} can tell the worktrees of a crashed runner from those of a live one; the first time a
 * repository is used, it is swept. A worktree an unfinished attempt still works in ({@link #keepResumable}) is not
 * swept: the runner that re-attaches to its session {@linkplain #adopt adopts} it.
 *
 * <p>Commands that change the repository's list of worktrees or branches run one at a time per repository (git
 * locks each ref, but two {@code worktree add} of one name would race); everything inside a worktree (the agent's
 * edits, {@link WorktreeChanges}) runs in parallel.
 */
public final class Worktrees {

    /** The folder under the repository's git directory that holds the worktrees. */
    public static final String FOLDER = "opencode-worktrees";
    /** How a worktree's lock reason starts; then {@code <pid> on <host>}. */
    public static final String OWNER_PREFIX = "camel-opencode pid ";

    private static final Logger LOG = LoggerFactory.getLogger(Worktrees.class);
    private static final int MAX_NAME_SUFFIX = 100;

    private final Git git;
    private final String owner;
    private final Map<Path, Object> repositoryLocks = new ConcurrentHashMap<>();
    private final Set<Path> swept = ConcurrentHashMap.newKeySet();
    private volatile Supplier<Set<Path>> resumable = Set::of;

    /** @param git the git command line */
    public Worktrees(Git git) {
        this.git = Objects.requireNonNull(git, "git");
        this.owner = OWNER_PREFIX + ProcessHandle.current().pid() + " on " + hostName();
    }

    /**
     * Tells the sweep which worktrees of stopped runners to keep: those an unfinished attempt works in (the dispatch
     * ledger's running entries), which resume there when their task is delivered again. Asked once per sweep, and only
     * when the sweep finds a worktree to remove; when it throws, the sweep keeps every worktree (logged).
     *
     * @param resumable the folders of the worktrees to keep (absolute)
     */
    public void keepResumable(Supplier<Set<Path>> resumable) {
        this.resumable = Objects.requireNonNull(resumable, "resumable");
    }

    /**
     * Takes over a worktree a stopped runner left, to resume its attempt there: locked again, with this process's
     * reason ({@value #OWNER_PREFIX}{@code <pid> on <host>}), so that only this runner's end removes it.
     *
     * @param worktree the recorded worktree: its repository, folder, branch and base
     * @return whether it could be adopted: false when its folder is gone or git no longer lists it on that branch
     * @throws GitException when git fails to lock it
     */
    public boolean adopt(Worktree worktree) {
        synchronized (lockOf(commonDirectory(worktree))) {
            if (!Files.isDirectory(worktree.directory())) {
                return false;
            }
            Path folder = normalized(worktree.directory());
            boolean listed = WorktreeSweep.parse(git.run(worktree.repository(), "worktree", "list", "--porcelain")).stream()
                    .anyMatch(entry -> normalized(entry.path()).equals(folder) && entry.branch().equals(Optional.of(worktree.branch())));
            if (!listed) {
                return false;
            }
            // unlock fails when it is not locked (a person unlocked it): then there is nothing to unlock
            git.succeeds(worktree.repository(), "worktree", "unlock", worktree.directory().toString());
            git.run(worktree.repository(), "worktree", "lock", "--reason", owner, worktree.directory().toString());
            LOG.info("Adopted worktree {} on branch {} to resume its attempt", worktree.directory(), worktree.branch());
            return true;
        }
    }

    /**
     * @param path a path
     * @return its real path when it exists (symbolic links resolved), else its absolute normalized form
     */
    static Path normalized(Path path) {
        try {
            return path.toRealPath();
        } catch (java.io.IOException gone) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** @return the git command line these worktrees run */
    public Git git() {
        return git;
    }

    /**
     * Makes a fresh worktree for one attempt.
     *
     * @param directory the task's directory: a git repository's working tree or a folder inside one
     * @param taskName the task's name (sanitised into the branch, {@link BranchNames})
     * @param attempt the attempt number, 1 for the first
     * @param base the revision to start from ({@code HEAD}, a branch, a tag, a sha)
     * @return the worktree (its root; {@link #workingDirectory} gives the folder matching {@code directory})
     * @throws WorkspaceException when {@code directory} is not in a git repository or {@code base} is no commit
     * @throws GitException when git fails otherwise
     */
    public Worktree create(Path directory, String taskName, int attempt, String base) {
        Path repository = repositoryRoot(directory);
        String sha = resolve(repository, base);
        Path commonDirectory = Path.of(git.run(repository, "rev-parse", "--path-format=absolute", "--git-common-dir").strip());
        sweepOnce(repository, commonDirectory);
        synchronized (lockOf(commonDirectory)) {
            String folder = BranchNames.folder(taskName, attempt);
            for (int suffix = 1; suffix <= MAX_NAME_SUFFIX; suffix++) {
                String name = suffix == 1 ? folder : folder + "-" + suffix;
                String branch = BranchNames.PREFIX + name;
                Path worktree = commonDirectory.resolve(FOLDER).resolve(name);
                if (Files.exists(worktree) || git.succeeds(repository, "show-ref", "--verify", "--quiet", "refs/heads/" + branch)) {
                    continue;
                }
                git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", owner, "-b", branch, worktree.toString(), sha);
                LOG.debug("Worktree {} on branch {} from {} made for task {} attempt {}", worktree, branch, sha, taskName, attempt);
                return new Worktree(repository, worktree, branch, sha);
            }
            throw new GitException("no free branch name for " + BranchNames.PREFIX + folder + " in " + repository + " (tried "
                    + MAX_NAME_SUFFIX + " suffixes)");
        }
    }

    /**
     * @param worktree an attempt's worktree
     * @param directory the task's directory, in {@link Worktree#repository()}
     * @return where the session works: {@code directory}'s place inside the worktree
     */
    public static Path workingDirectory(Worktree worktree, Path directory) {
        Path real = normalized(directory);
        Path relative = worktree.repository().relativize(real);
        return relative.toString().isEmpty() ? worktree.directory() : worktree.directory().resolve(relative);
    }

    /**
     * Removes a worktree (its files, uncommitted edits included) and, unless kept, its branch.
     *
     * @param worktree the worktree
     * @param keepBranch whether the branch stays (it holds a commit)
     * @throws GitException when git cannot remove it
     */
    public void remove(Worktree worktree, boolean keepBranch) {
        synchronized (lockOf(commonDirectory(worktree))) {
            if (Files.exists(worktree.directory())) {
                git.run(worktree.repository(), "worktree", "remove", "--force", "--force", worktree.directory().toString());
            } else {
                git.run(worktree.repository(), "worktree", "prune");
            }
            if (!keepBranch) {
                git.run(worktree.repository(), "branch", "-D", "--quiet", worktree.branch());
            }
        }
    }

    /**
     * Keeps a worktree for a person to look at: unlocked, so no sweep takes it; {@code git worktree remove} removes it.
     *
     * @param worktree the worktree
     * @throws GitException when git cannot unlock it
     */
    public void keep(Worktree worktree) {
        git.run(worktree.repository(), "worktree", "unlock", worktree.directory().toString());
    }

    /**
     * @param directory a folder
     * @return the root of the git working tree it is in (absolute, symbolic links resolved as git does)
     * @throws WorkspaceException when it is in none
     */
    public Path repositoryRoot(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new WorkspaceException("workspace 'worktree' needs an existing directory, but " + directory + " is none");
        }
        if (!git.succeeds(directory, "rev-parse", "--is-inside-work-tree")) {
            throw new WorkspaceException("workspace 'worktree' needs a git repository, but " + directory + " is not in one");
        }
        return Path.of(git.run(directory, "rev-parse", "--show-toplevel").strip());
    }

    /**
     * @param repository a repository's working tree
     * @param base a revision
     * @return the full sha of the commit it names
     * @throws WorkspaceException when it names no commit
     */
    public String resolve(Path repository, String base) {
        if (base.startsWith("-") || !git.succeeds(repository, "rev-parse", "--verify", "--quiet", base + "^{commit}")) {
            throw new WorkspaceException("base '" + base + "' does not resolve to a commit in " + repository);
        }
        return git.run(repository, "rev-parse", "--verify", "--quiet", base + "^{commit}").strip();
    }

    /**
     * Sweeps a repository now ({@link WorktreeSweep}), under its lock.
     *
     * @param repository a repository's working tree
     * @return how many worktrees were removed
     * @throws GitException when git fails
     */
    public int sweep(Path repository) {
        Path root = repositoryRoot(repository);
        Path commonDirectory = Path.of(git.run(root, "rev-parse", "--path-format=absolute", "--git-common-dir").strip());
        swept.add(commonDirectory);
        synchronized (lockOf(commonDirectory)) {
            return new WorktreeSweep(git, owner, resumable).sweep(root, commonDirectory.resolve(FOLDER));
        }
    }

    private void sweepOnce(Path repository, Path commonDirectory) {
        if (swept.add(commonDirectory)) {
            synchronized (lockOf(commonDirectory)) {
                new WorktreeSweep(git, owner, resumable).sweep(repository, commonDirectory.resolve(FOLDER));
            }
        }
    }

    private Path commonDirectory(Worktree worktree) {
        return worktree.directory().getParent().getParent();
    }

    private Object lockOf(Path commonDirectory) {
        return repositoryLocks.computeIfAbsent(commonDirectory, ignored -> new Object());
    }

    /** @return this machine's name, as it appears in lock reasons */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unknown) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "localhost" : fromEnvironment;
        }
    }
}
