package org.camelopencode.task;

/**
 * A Markdown task split into its optional YAML front matter and its body.
 *
 * <p>Front matter exists only when the first line is {@code ---}; it ends at the next line that is
 * {@code ---} or {@code ...}. Trailing spaces and tabs on these two lines are tolerated because editors
 * leave them invisibly. Later {@code ---} lines belong to the body (Markdown rules).
 *
 * @param frontMatter the YAML text between the delimiters, or {@code null} when the file has none
 * @param body the text after the closing delimiter, or the whole text when there is no front matter
 */
record MarkdownTask(String frontMatter, String body) {

    /** The first line of the file in which front matter YAML starts (after the opening {@code ---}). */
    static final int FRONT_MATTER_FIRST_LINE = 2;

    /**
     * @param text the decoded file text with {@code \n} line endings
     * @return the parts
     * @throws TaskProblem when the front matter is opened but never closed
     */
    static MarkdownTask split(String text) {
        int firstLineEnd = lineEnd(text, 0);
        if (!isDelimiter(text.substring(0, firstLineEnd), "---")) {
            return new MarkdownTask(null, text);
        }
        int lineStart = firstLineEnd + 1;
        while (lineStart <= text.length()) {
            int end = lineEnd(text, lineStart);
            String line = text.substring(lineStart, end);
            if (isDelimiter(line, "---") || isDelimiter(line, "...")) {
                String frontMatter = text.substring(firstLineEnd + 1, lineStart);
                String body = end < text.length() ? text.substring(end + 1) : "";
                return new MarkdownTask(frontMatter, body);
            }
            lineStart = end + 1;
        }
        throw new TaskProblem("front matter opened by '---' on line 1 is never closed by a '---' or '...' line");
    }

    private static int lineEnd(String text, int from) {
        int newline = text.indexOf('\n', from);
        return newline < 0 ? text.length() : newline;
    }

    private static boolean isDelimiter(String line, String delimiter) {
        return line.stripTrailing().equals(delimiter);
    }
}
