package org.camelopencode.dispatch;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses the durations users write in task files, properties and URIs: an ISO-8601 duration
 * ({@code PT30S}, {@code PT5M}) or whole seconds ({@code 30}).
 */
public final class Durations {

    private Durations() {
    }

    /**
     * @param text the duration text
     * @param what what the duration is for, used in the error message (for example {@code "timeout"})
     * @return the positive duration
     * @throws IllegalArgumentException when the text is blank, malformed, zero or negative
     */
    public static Duration parsePositive(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is empty; write an ISO-8601 duration such as PT30S or whole seconds");
        }
        String trimmed = text.strip();
        Duration duration;
        try {
            duration = trimmed.chars().allMatch(Character::isDigit) && trimmed.length() <= 12
                    ? Duration.ofSeconds(Long.parseLong(trimmed))
                    : Duration.parse(trimmed);
        } catch (DateTimeParseException malformed) {
            throw new IllegalArgumentException(what + " '" + trimmed + "' is neither an ISO-8601 duration such as PT30S nor whole seconds");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was '" + trimmed + "'");
        }
        return duration;
    }
}
