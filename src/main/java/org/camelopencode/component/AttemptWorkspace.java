package org.camelopencode.component;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.RecordedWorktree;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.WorkspaceRecord;
import org.camelopencode.workspace.CapturedChanges;
import org.camelopencode.workspace.GitException;
import org.camelopencode.workspace.GitIdentity;
import org.camelopencode.workspace.WorkspaceException;
import org.camelopencode.workspace.WorkspaceMode;
import org.camelopencode.workspace.WorkspaceRequest;
import org.camelopencode.workspace.Worktree;
import org.camelopencode.workspace.Worktrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace of one {@code opencode:dispatch} attempt, from before it starts to after its record is written.
 *
 * <ul>
 *   <li>{@code worktree}: a fresh worktree is made before the attempt ({@link #open}), the session works in it. When
 *       the attempt ends its changes are captured (into its attempt entry and {@link WorkspaceOutcome}); a failed
 *       attempt's worktree and branch are removed at once, so the retry starts clean; a successful one is committed
 *       when the task asks ({@code commit: true}) and removed when the exchange completes (a Camel on-completion:
 *       after the route wrote the record, whatever the route), its branch kept when it holds the commit.
 *       {@code keep: true} keeps worktree and branch (unlocked, for a person to look at). An attempt that re-attaches
 *       to the session a stopped runner left ({@link #resume}) goes on in that runner's worktree, recorded in the
 *       ledger, and drops the fresh one.</li>
 *   <li>{@code shared}: the attempt waits its turn for the directory ({@link org.camelopencode.workspace.DirectoryQueue}),
 *       at most its own timeout (then it fails as {@code timeout} without having started); the wait holds no thread.
 *       Its deadline starts when it gets the directory. No changes are listed: the tree is not the attempt's alone.</li>
 *   <li>no workspace: the attempt runs as before, in its request's directory.</li>
 * </ul>
 */
final class AttemptWorkspace {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptWorkspace.class);
    private static final AttemptWorkspace NONE = new AttemptWorkspace(null, null, null, null, null, null);

    private final Workspaces workspaces;
    private final WorkspaceRequest request;
    private final Path directory;
    private volatile Worktree worktree;
    private final GitIdentity identity;
    private final String commitMessage;

    private AttemptWorkspace(Workspaces workspaces, WorkspaceRequest request, Path directory, Worktree worktree, GitIdentity identity,
            String commitMessage) {
        this.workspaces = workspaces;
        this.request = request;
        this.directory = directory;
        this.worktree = worktree;
        this.identity = identity;
        this.commitMessage = commitMessage;
    }

    /**
     * Prepares the attempt's workspace; for {@code worktree} the worktree is made here (git runs on the caller's thread,
     * a fraction of a second on a repository of a thousand files).
     *
     * @param workspaces the component's machinery
     * @param workspace what the task asks for, or {@code null} for no workspace
     * @param dispatch the attempt's request: its directory is the repository (or shared folder), its attempt number
     *     names the branch, its title is the default commit message
     * @param serverDirectory the server's own project directory when known here (a managed server's), used when the
     *     request names no directory
     * @param taskName the task's name for the branch, or {@code null} (then the title)
     * @param configuration the endpoint's workspace options (the commit identity)
     * @return the attempt's workspace
     * @throws OpenCodeFailureException {@code invalid_task} when the directory is missing, is no git repository (for
     *     {@code worktree}) or {@code base} names no commit; {@code agent_error} when git fails otherwise
     */
    static AttemptWorkspace open(Workspaces workspaces, WorkspaceRequest workspace, DispatchRequest dispatch,
            Optional<Path> serverDirectory, String taskName, WorkspaceConfiguration configuration) {
        if (workspace == null) {
            return NONE;
        }
        Path directory = dispatch.directory() != null ? dispatch.directory() : serverDirectory.map(Path::toAbsolutePath).orElse(null);
        String name = taskName != null ? taskName : dispatch.title();
        String message = workspace.commitMessage() != null ? workspace.commitMessage() : name != null ? name : "opencode task";
        try {
            GitIdentity identity = new GitIdentity(configuration.getGitUserName(), configuration.getGitUserEmail());
            if (workspace.mode() == WorkspaceMode.SHARED) {
                Path shared = directory != null ? directory : Path.of("").toAbsolutePath();
                return new AttemptWorkspace(workspaces, workspace, shared, null, identity, message);
            }
            if (directory == null) {
                throw new OpenCodeFailureException(FailureKind.INVALID_TASK,
                        "workspace 'worktree' needs the task's directory (a git repository), but the task names none and the server's is unknown");
            }
            Worktree worktree = workspaces.worktrees().create(directory, name, dispatch.attempt(), workspace.baseOrHead());
            return new AttemptWorkspace(workspaces, workspace, directory, worktree, identity, message);
        } catch (WorkspaceException | IllegalArgumentException badInput) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, badInput.getMessage());
        } catch (GitException gitFailed) {
            throw new OpenCodeFailureException(FailureKind.AGENT_ERROR, "the worktree could not be made: " + gitFailed.getMessage(), null,
                    null, gitFailed);
        }
    }

    /** @return the workspace of an attempt that asks for none: it runs in its request's directory as is */
    static AttemptWorkspace none() {
        return NONE;
    }

    /**
     * @return the attempt's worktree as the ledger records it, or {@code null} when it works in none of its own
     */
    RecordedWorktree recorded() {
        Worktree current = worktree;
        return current == null ? null : new RecordedWorktree(current.directory().toString(), current.branch(), current.base());
    }

    /**
     * Moves a re-attaching attempt into the worktree its stopped runner recorded, where the session works and the
     * agent's edits so far are: that worktree is adopted (locked as this runner's, {@link Worktrees#adopt}) and the fresh
     * one made by {@link #open} is removed with its branch.
     *
     * @param previous the worktree the ledger entry recorded, or {@code null} (an entry without one)
     * @param dispatch the attempt's request, in this workspace's directory
     * @return the request to re-attach with (its directory the session's, in the adopted worktree); the same request when
     *     this attempt has no worktree or the entry recorded none; empty when the recorded worktree is gone (its edits
     *     with it: the attempt must start again)
     * @throws OpenCodeFailureException {@code agent_error} when git fails to lock the recorded worktree (the entry stays
     *     running: a retry re-attaches again)
     */
    Optional<DispatchRequest> resume(RecordedWorktree previous, DispatchRequest dispatch) {
        Worktree fresh = worktree;
        if (fresh == null || previous == null) {
            return Optional.of(dispatch);
        }
        Worktree recordedWorktree = new Worktree(fresh.repository(), Path.of(previous.directory()), previous.branch(), previous.base());
        // the fresh worktree took the recorded one's folder: that one was gone when the fresh one was made
        boolean reused = recordedWorktree.directory().equals(fresh.directory());
        if (reused || !adopt(recordedWorktree)) {
            LOG.warn("The worktree {} of the session to re-attach to is gone, with the agent's uncommitted edits", recordedWorktree.directory());
            return Optional.empty();
        }
        worktree = recordedWorktree;
        try {
            workspaces.worktrees().remove(fresh, false);
        } catch (GitException gitFailed) {
            LOG.warn("The unused worktree {} could not be removed (the next start's sweep removes it): {}", fresh.directory(),
                    gitFailed.getMessage());
        }
        return Optional.of(dispatch.withDirectory(Worktrees.workingDirectory(recordedWorktree, directory)));
    }

    private boolean adopt(Worktree recordedWorktree) {
        try {
            return workspaces.worktrees().adopt(recordedWorktree);
        } catch (GitException gitFailed) {
            throw new OpenCodeFailureException(FailureKind.AGENT_ERROR, "the worktree " + recordedWorktree.directory()
                    + " of the session to re-attach to could not be locked: " + gitFailed.getMessage(), null, null, gitFailed);
        }
    }

    /**
     * Starts the attempt in this workspace.
     *
     * @param dispatch the attempt's request
     * @param start starts an attempt of a request (the session works in that request's directory)
     * @return the attempt's future
     */
    CompletableFuture<DispatchResult> run(DispatchRequest dispatch, Function<DispatchRequest, CompletableFuture<DispatchResult>> start) {
        if (request == null) {
            return start.apply(dispatch);
        }
        if (worktree != null) {
            return start.apply(dispatch.withDirectory(Worktrees.workingDirectory(worktree, directory)));
        }
        return workspaces.queue().acquire(directory).orTimeout(dispatch.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((lease, waited) -> {
                    if (waited != null) {
                        throw new CompletionException(waitFailure(dispatch, waited));
                    }
                    return lease;
                })
                .thenCompose(lease -> {
                    CompletableFuture<DispatchResult> attempt;
                    try {
                        attempt = start.apply(dispatch);
                    } catch (RuntimeException notStarted) {
                        lease.close();
                        throw notStarted;
                    }
                    return attempt.whenComplete((result, failure) -> lease.close());
                });
    }

    private OpenCodeFailureException waitFailure(DispatchRequest dispatch, Throwable waited) {
        Throwable cause = waited instanceof CompletionException && waited.getCause() != null ? waited.getCause() : waited;
        if (cause instanceof TimeoutException) {
            return new OpenCodeFailureException(FailureKind.TIMEOUT, "waited " + dispatch.timeout() + " for the shared directory " + directory
                    + ", which other tasks held all that time; the attempt did not start");
        }
        return new OpenCodeFailureException(FailureKind.AGENT_ERROR, "waiting for the shared directory " + directory + " failed: " + cause,
                null, null, cause);
    }

    /**
     * Ends the attempt's workspace: captures the changes, commits or removes, and sets {@link WorkspaceOutcome} and
     * the {@code CamelOpenCodeBranch} / {@code CamelOpenCodeCommit} headers. Call it before the attempt's listeners
     * are told, so that a commit that fails fails the attempt.
     *
     * @param exchange the exchange
     * @param result the attempt's result, or {@code null} when it failed
     * @param failure why it failed, or {@code null}
     * @return the failure to report: {@code failure}, or when a successful attempt's changes could not be read or
     *     committed, an {@code agent_error} saying so
     */
    Throwable finish(Exchange exchange, DispatchResult result, Throwable failure) {
        if (request == null) {
            return failure;
        }
        if (worktree == null) {
            exchange.setProperty(WorkspaceOutcome.PROPERTY, new WorkspaceOutcome(record(), CapturedChanges.NONE, null));
            return failure;
        }
        if (failure != null) {
            CapturedChanges partial = captureQuietly();
            exchange.setProperty(WorkspaceOutcome.PROPERTY, new WorkspaceOutcome(record(), partial, null));
            release(false);
            return failure;
        }
        String sessionId = result == null ? null : result.sessionId();
        try {
            CapturedChanges changes = workspaces.changes().capture(worktree);
            String commit = request.commit() && !changes.isEmpty() ? workspaces.changes().commit(worktree, commitMessage, identity) : null;
            exchange.setProperty(WorkspaceOutcome.PROPERTY, new WorkspaceOutcome(record(), changes, commit));
            exchange.getMessage().setHeader(OpenCodeConstants.BRANCH, worktree.branch());
            if (commit != null) {
                exchange.getMessage().setHeader(OpenCodeConstants.COMMIT, commit);
            }
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    release(commit != null);
                }
            });
            return null;
        } catch (GitException gitFailed) {
            exchange.setProperty(WorkspaceOutcome.PROPERTY, new WorkspaceOutcome(record(), CapturedChanges.NONE, null));
            release(false);
            return new OpenCodeFailureException(FailureKind.AGENT_ERROR, "the attempt passed the gate, but its worktree's changes could not be "
                    + (request.commit() ? "read or committed: " : "read: ") + gitFailed.getMessage(), sessionId, null, gitFailed);
        }
    }

    /**
     * Puts the attempt's branch and changes into its entry, the last of the exchange's {@link AttemptHistory}; call it
     * after the listeners were told.
     *
     * @param exchange the exchange
     */
    void annotate(Exchange exchange) {
        WorkspaceOutcome outcome = WorkspaceOutcome.of(exchange);
        if (worktree == null || outcome == null) {
            return;
        }
        List<AttemptRecord> attempts = AttemptHistory.of(exchange);
        if (!attempts.isEmpty()) {
            AttemptRecord last = attempts.remove(attempts.size() - 1);
            attempts.add(last.withChanges(worktree.branch(), outcome.changes().changes()));
            exchange.setProperty(AttemptHistory.PROPERTY, attempts);
        }
    }

    private WorkspaceRecord record() {
        return worktree == null ? new WorkspaceRecord(directory.toString(), request.mode().wireName(), null, null)
                : new WorkspaceRecord(directory.toString(), request.mode().wireName(), worktree.branch(), worktree.base());
    }

    /** The changes of a failed attempt; none when git cannot read them (logged: the failure itself matters more). */
    private CapturedChanges captureQuietly() {
        try {
            return workspaces.changes().capture(worktree);
        } catch (GitException gitFailed) {
            LOG.warn("The failed attempt's changes in {} could not be read: {}", worktree.directory(), gitFailed.getMessage());
            return CapturedChanges.NONE;
        }
    }

    /** Removes the worktree (keeping the branch when it holds a commit), or unlocks it for {@code keep: true}. */
    private void release(boolean committed) {
        try {
            if (request.keep()) {
                workspaces.worktrees().keep(worktree);
                LOG.info("Kept worktree {} on branch {} (keep: true)", worktree.directory(), worktree.branch());
            } else {
                workspaces.worktrees().remove(worktree, committed);
            }
        } catch (GitException gitFailed) {
            LOG.warn("The worktree {} could not be removed (the next start's sweep removes it): {}", worktree.directory(),
                    gitFailed.getMessage());
        }
    }
}
