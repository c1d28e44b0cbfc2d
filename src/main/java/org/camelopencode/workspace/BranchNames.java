package org.camelopencode.workspace;

import java.util.Locale;

/**
 * Valid git branch names from task names (pure): {@code opencode/<task>-<attempt>}, where {@code <task>} keeps
 * letters, digits, {@code .}, {@code _} and {@code -} and turns every other run of characters into one {@code -}, so
 * the result passes {@code git check-ref-format --branch} (no {@code ..}, no leading {@code .} or {@code -}, no
 * trailing {@code .} or {@code .lock}, no spaces, {@code ~^:?*[\}, {@code @{} or control characters).
 */
public final class BranchNames {

    /** The folder of every branch the component creates. */
    public static final String PREFIX = "opencode/";
    /** The longest sanitised task part, so that paths stay well under file-system limits. */
    static final int MAX_TASK_LENGTH = 80;
    private static final String EMPTY_NAME = "task";

    private BranchNames() {
    }

    /**
     * @param taskName the task's name, any text (may be {@code null} or blank: {@code task})
     * @param attempt the attempt number, 1 for the first
     * @return {@code opencode/<sanitised task>-<attempt>}
     */
    public static String branch(String taskName, int attempt) {
        return PREFIX + folder(taskName, attempt);
    }

    /**
     * @param taskName the task's name
     * @param attempt the attempt number
     * @return {@code <sanitised task>-<attempt>}: the branch without its prefix, also the worktree's folder name
     */
    public static String folder(String taskName, int attempt) {
        return sanitise(taskName) + "-" + attempt;
    }

    /**
     * @param taskName any text, or {@code null}
     * @return the text as one valid ref component of at most {@value #MAX_TASK_LENGTH} characters, never empty
     */
    static String sanitise(String taskName) {
        String text = taskName == null ? "" : taskName.strip().toLowerCase(Locale.ROOT);
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char character = text.charAt(i);
            boolean kept = (character >= 'a' && character <= 'z') || (character >= '0' && character <= '9') || character == '.'
                    || character == '_' || character == '-';
            char next = kept ? character : '-';
            char last = safe.length() == 0 ? 0 : safe.charAt(safe.length() - 1);
            if ((next == '-' && last == '-') || (next == '.' && last == '.')) {
                continue;
            }
            safe.append(next);
        }
        String result = trim(safe.toString());
        if (result.length() > MAX_TASK_LENGTH) {
            result = trim(result.substring(0, MAX_TASK_LENGTH));
        }
        while (result.endsWith(".lock")) {
            result = trim(result.substring(0, result.length() - ".lock".length()));
        }
        return result.isEmpty() ? EMPTY_NAME : result;
    }

    /** Strips {@code .} and {@code -} from both ends (a ref component starts with neither and does not end in a dot). */
    private static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == '.' || text.charAt(start) == '-')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
            end--;
        }
        return text.substring(start, end);
    }
}
