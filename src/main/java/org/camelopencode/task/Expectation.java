package org.camelopencode.task;

import java.util.Locale;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * What the task expects the assistant's final answer to be. Wire names {@code text} and
 * {@code json}, as written in the {@code expect} key of a task file.
 */
public enum Expectation {
    /** Any non-empty text answer completes the task. */
    TEXT("text"),
    /** The answer must parse as JSON (or carry structured output when a schema was sent). */
    JSON("json");

    private final String wireName;

    Expectation(String wireName) {
        this.wireName = wireName;
    }

    /** @return {@code "text"} or {@code "json"} */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses the {@code expect} value of a task file.
     *
     * @param value {@code "text"} or {@code "json"}; surrounding blanks and letter case are ignored
     * @return the expectation
     * @throws OpenCodeFailureException of kind {@link FailureKind#INVALID_TASK} for {@code null} or any
     *     other value; the message quotes the value and lists the allowed ones
     */
    public static Expectation parse(String value) {
        if (value != null) {
            String normalized = value.trim().toLowerCase(Locale.ROOT);
            for (Expectation expectation : values()) {
                if (expectation.wireName.equals(normalized)) {
                    return expectation;
                }
            }
        }
        throw new OpenCodeFailureException(FailureKind.INVALID_TASK,
                "expect must be 'text' or 'json', got " + (value == null ? "nothing" : "'" + value + "'"));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
