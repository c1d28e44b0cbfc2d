package org.camelopencode.component;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of {@code opencode:dispatch} for workspaces on git repositories (label {@code workspace}): where the agent
 * edits and who commits. Set on the component, they are the defaults every endpoint copies; set on an endpoint URI
 * ({@code opencode:dispatch?workspace=worktree}), they apply to that endpoint only.
 */
@UriParams
public class WorkspaceConfiguration implements Cloneable {

    @UriParam(label = "producer,workspace", enums = "shared,worktree", description = "dispatch: where the agent edits, when the task names no"
            + " workspace and the CamelOpenCodeWorkspace header is unset. shared: in the task's directory itself, one task at a time per"
            + " directory, the others waiting in order (at most their timeout). worktree: the directory must be in a git repository; each"
            + " attempt gets a fresh git worktree on a new branch opencode/<task>-<attempt> from the task's base (default HEAD), and the"
            + " records list its changes. Unset = neither: the directory as is, with no lock (tasks run concurrently).")
    private String workspace;
    @UriParam(label = "producer,workspace", defaultValue = "camel-opencode", description = "dispatch: the author and committer name of"
            + " commits made for tasks with commit: true (passed as git -c user.name; the user's git configuration is not used).")
    private String gitUserName = "camel-opencode";
    @UriParam(label = "producer,workspace", defaultValue = "camel-opencode@localhost", description = "dispatch: the author and committer"
            + " e-mail of commits made for tasks with commit: true (git -c user.email).")
    private String gitUserEmail = "camel-opencode@localhost";

    /** @return a copy, so endpoints can change their copy without touching the component's */
    public WorkspaceConfiguration copy() {
        try {
            return (WorkspaceConfiguration) clone();
        } catch (CloneNotSupportedException impossible) {
            throw new RuntimeCamelException(impossible);
        }
    }

    /** @return {@code shared}, {@code worktree}, or {@code null} for no workspace handling */
    public String getWorkspace() {
        return workspace;
    }

    /** @param workspace {@code shared}, {@code worktree}, or {@code null} */
    public void setWorkspace(String workspace) {
        this.workspace = workspace;
    }

    /** @return the commits' author and committer name */
    public String getGitUserName() {
        return gitUserName;
    }

    /** @param gitUserName the commits' author and committer name */
    public void setGitUserName(String gitUserName) {
        this.gitUserName = gitUserName;
    }

    /** @return the commits' author and committer e-mail */
    public String getGitUserEmail() {
        return gitUserEmail;
    }

    /** @param gitUserEmail the commits' author and committer e-mail */
    public void setGitUserEmail(String gitUserEmail) {
        this.gitUserEmail = gitUserEmail;
    }
}
