package org.camelopencode.task;

/**
 * A reason why a task file is invalid, before the file name is known to the code that found it.
 * {@link TaskReader} turns it into an {@code invalid_task} failure prefixed with the file name.
 */
final class TaskProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param reason a readable reason, without the file name */
    TaskProblem(String reason) {
        super(reason, null, false, false);
    }

    /**
     * @param message a library's exception message, possibly multi-line with a source snippet
     * @return its first line, or {@code "unknown error"} for {@code null}
     */
    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
