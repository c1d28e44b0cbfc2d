package org.camelopencode.dispatch;

import java.nio.file.Path;
import java.util.List;

/**
 * How an attempt's turn starts on the server transport, beyond the prompt (issue 15 item 5): in a fresh session or by
 * continuing one, as a prompt or as a slash command, with files attached.
 *
 * @param sessionId the session to continue ({@code ses_...}: prompt in it, the gate judging only what comes after),
 *     or {@code null} for a fresh session
 * @param fork whether to fork {@code sessionId} first ({@code POST /session/{id}/fork}) and continue the fork
 * @param command a slash command to run instead of the prompt ({@code POST /session/{id}/command}), its name without
 *     the slash, or {@code null}
 * @param arguments the command's arguments ({@code $ARGUMENTS}), empty when none; ignored without a command
 * @param files absolute paths of files attached as file parts ({@code {type:"file", mime, url:"file://...", filename}})
 * @param judgedAfter for a re-attach of a continued session: the newest message before the attempt's prompt, as the
 *     ledger recorded it when the turn started (the gate judges only what came after it, and a session with nothing
 *     after it is prompted); {@code null} when every message is the attempt's, and for every run that is no re-attach
 */
public record TurnStart(String sessionId, boolean fork, String command, String arguments, List<Path> files, String judgedAfter) {

    /** A fresh session, the prompt, no files. */
    public static final TurnStart NONE = new TurnStart(null, false, null, null, List.of(), null);

    /**
     * A turn without a recorded message to judge after (every turn that is no re-attach).
     *
     * @param sessionId the session to continue, or {@code null}
     * @param fork whether to fork it first
     * @param command a slash command instead of the prompt, or {@code null}
     * @param arguments the command's arguments
     * @param files absolute paths of attached files
     */
    public TurnStart(String sessionId, boolean fork, String command, String arguments, List<Path> files) {
        this(sessionId, fork, command, arguments, files, null);
    }

    /**
     * Normalizes blanks to {@code null} and copies the files.
     *
     * @throws IllegalArgumentException when {@code fork} is set without a session, or a file is not absolute
     */
    public TurnStart {
        sessionId = sessionId == null || sessionId.isBlank() ? null : sessionId.strip();
        judgedAfter = judgedAfter == null || judgedAfter.isBlank() ? null : judgedAfter.strip();
        command = command == null || command.isBlank() ? null : command.strip();
        arguments = arguments == null ? "" : arguments;
        files = files == null ? List.of() : List.copyOf(files);
        if (fork && sessionId == null) {
            throw new IllegalArgumentException("fork needs the sessionId of the session to fork");
        }
        for (Path file : files) {
            if (!file.isAbsolute()) {
                throw new IllegalArgumentException("files must be absolute, was " + file);
            }
        }
    }

    /**
     * @param messageId the newest message before the attempt's prompt, as recorded ({@code msg_...}), or {@code null}
     * @return a copy that a re-attach judges only after that message
     */
    public TurnStart judgingAfter(String messageId) {
        return new TurnStart(sessionId, fork, command, arguments, files, messageId);
    }

    /** @return whether the attempt continues an existing session (or its fork) */
    public boolean continues() {
        return sessionId != null;
    }
}
