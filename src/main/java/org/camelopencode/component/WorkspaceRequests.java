package org.camelopencode.component;

import org.apache.camel.Exchange;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.workspace.WorkspaceMode;
import org.camelopencode.workspace.WorkspaceRequest;

/**
 * The workspace a dispatch asks for: the task's own ({@code workspace}, {@code base}, {@code commit},
 * {@code commitMessage}, {@code keep}), else the {@code CamelOpenCodeWorkspace} header, else the endpoint's
 * {@code workspace} option (a header or option sets only the mode; the other settings are the task's).
 */
final class WorkspaceRequests {

    private WorkspaceRequests() {
    }

    /**
     * @param exchange the exchange; its body may be a {@link TaskSpec}
     * @param configuration the endpoint's workspace options
     * @return the request, or {@code null} when nothing names a workspace
     * @throws OpenCodeFailureException {@code invalid_task} when the header or option is neither {@code shared} nor
     *     {@code worktree}
     */
    static WorkspaceRequest of(Exchange exchange, WorkspaceConfiguration configuration) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof TaskSpec task && task.workspace() != null) {
            return task.workspace();
        }
        String header = exchange.getMessage().getHeader(OpenCodeConstants.WORKSPACE, String.class);
        String mode = header != null && !header.isBlank() ? header : configuration.getWorkspace();
        if (mode == null || mode.isBlank()) {
            return null;
        }
        try {
            return WorkspaceRequest.of(WorkspaceMode.parse(mode));
        } catch (IllegalArgumentException unknown) {
            String source = header != null && !header.isBlank() ? OpenCodeConstants.WORKSPACE : "the workspace option";
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, source + " must be 'shared' or 'worktree', got '" + mode + "'");
        }
    }
}
