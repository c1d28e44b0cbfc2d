package org.camelopencode.component;

import java.util.List;
import org.apache.camel.Exchange;
import org.camelopencode.task.WorkspaceRecord;
import org.camelopencode.workspace.CapturedChanges;
import org.camelopencode.workspace.FileChange;

/**
 * Where the exchange's latest {@code opencode:dispatch} attempt worked and what it changed, the exchange property
 * {@value #PROPERTY}, read by the record writers: each attempt replaces the previous one's, so a result record gets
 * the successful attempt's, an error record the last failed one's.
 *
 * @param workspace the directory, mode and (for a worktree) branch and base sha
 * @param changes what the attempt changed with its patch; {@link CapturedChanges#NONE} for {@code shared}
 * @param commit the sha of the attempt's commit ({@code commit: true} after a successful gate), or {@code null}
 */
public record WorkspaceOutcome(WorkspaceRecord workspace, CapturedChanges changes, String commit) {

    /** Exchange property: the {@link WorkspaceOutcome} of the latest attempt. */
    public static final String PROPERTY = "CamelOpenCodeWorkspaceOutcome";

    /**
     * @param exchange the exchange
     * @return its latest attempt's outcome, or {@code null} when no attempt had a workspace
     */
    public static WorkspaceOutcome of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, WorkspaceOutcome.class);
    }

    /** @return the changed files, or {@code null} for a {@code shared} workspace (which lists none) */
    public List<FileChange> fileChanges() {
        return workspace.branch() == null ? null : changes.changes();
    }
}
