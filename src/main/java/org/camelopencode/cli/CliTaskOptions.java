package org.camelopencode.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The per-task settings of a CLI dispatch that the server transport's {@code DispatchRequest} does not carry.
 *
 * @param files files attached to the prompt ({@code --file}); relative paths resolve against the working directory
 * @param continueLastSession {@code --continue}: go on in the last session of the working directory instead of a
 *     fresh one
 * @param sessionId {@code --session}: go on in that session ({@code ses_...}); wins over {@code continueLastSession}
 */
public record CliTaskOptions(List<Path> files, boolean continueLastSession, String sessionId) {

    /** No files, a fresh session. */
    public static final CliTaskOptions NONE = new CliTaskOptions(List.of(), false, null);

    /** Copies the file list; a blank session id counts as none. */
    public CliTaskOptions {
        files = files == null ? List.of() : List.copyOf(files);
        sessionId = sessionId == null || sessionId.isBlank() ? null : sessionId.strip();
    }
}
