package org.camelopencode.task;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.apache.camel.util.TimeUtils;

/**
 * The one parser of the durations users write in task files, properties and URIs. Three forms:
 * <ul>
 *   <li>ISO-8601, as {@link Duration#parse}: {@code PT30S}, {@code PT5M}, {@code P1DT2H} (any case);</li>
 *   <li>Camel's form, as {@link TimeUtils#toMilliSeconds}: {@code 30s}, {@code 1m30s}, {@code 2h}, {@code 500ms},
 *       {@code 1d};</li>
 *   <li>a bare whole number, whose unit each setting states ({@link BareNumber}): whole seconds for the
 *       component's options and the task key {@code timeout}, milliseconds for the runner's
 *       {@code opencode.retry.*delay} and {@code opencode.cluster.lock-interval-ms}.</li>
 * </ul>
 * Camel's own converter reads a bare number as milliseconds and turns a malformed text such as {@code 5x} into zero;
 * this parser says which setting is malformed instead. Pure: no I/O.
 */
public final class Durations {

    /** What a bare whole number means for one setting. */
    public enum BareNumber {
        /** {@code 30} is 30 seconds. */
        SECONDS("whole seconds"),
        /** {@code 30} is 30 milliseconds. */
        MILLISECONDS("milliseconds");

        private final String words;

        BareNumber(String words) {
            this.words = words;
        }

        private Duration of(long amount) {
            return this == SECONDS ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
        }
    }

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");
    /** Days, hours, minutes, seconds and milliseconds in this order, each optional (Camel's {@code TimeUtils} syntax). */
    private static final Pattern CAMEL_FORM = Pattern.compile("(\\d+d)?(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?");

    private Durations() {
    }

    /**
     * @param text the duration text, surrounding blanks ignored
     * @param what what the duration is for, used in error messages (for example {@code "timeout"})
     * @param bareNumber what a bare whole number means for this setting
     * @return the duration, zero or more
     * @throws IllegalArgumentException when the text is blank, in none of the forms, negative or too large; the
     *     message names {@code what}, the text and the forms allowed
     */
    public static Duration parse(String text, String what, BareNumber bareNumber) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is empty; write " + forms(bareNumber));
        }
        String trimmed = text.strip();
        if (WHOLE_NUMBER.matcher(trimmed).matches()) {
            return bareNumber.of(wholeNumber(trimmed, what, bareNumber));
        }
        if (trimmed.charAt(0) == 'P' || trimmed.charAt(0) == 'p' || trimmed.startsWith("-P") || trimmed.startsWith("-p")) {
            return iso(trimmed, what, bareNumber);
        }
        if (CAMEL_FORM.matcher(trimmed).matches()) {
            return camelForm(trimmed, what);
        }
        throw malformed(trimmed, what, bareNumber);
    }

    /**
     * @param text the duration text, surrounding blanks ignored
     * @param what what the duration is for, used in error messages
     * @param bareNumber what a bare whole number means for this setting
     * @return the duration, more than zero
     * @throws IllegalArgumentException as {@link #parse}, and when the duration is zero or negative
     *     ({@code "<what> must be positive, got '<text>'"})
     */
    public static Duration parsePositive(String text, String what, BareNumber bareNumber) {
        Duration duration;
        try {
            duration = parse(text, what, bareNumber);
        } catch (NegativeDuration negative) {
            throw positiveRequired(text, what);
        }
        if (duration.isZero()) {
            throw positiveRequired(text, what);
        }
        return duration;
    }

    /**
     * @param duration a duration
     * @param what what it is for
     * @return the duration when it is more than zero
     * @throws IllegalArgumentException {@code "<what> must be positive, got '<duration>'"} otherwise, also for {@code null}
     */
    public static Duration requirePositive(Duration duration, String what) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got '" + duration + "'");
        }
        return duration;
    }

    /**
     * @param bareNumber what a bare whole number means
     * @return the forms allowed, for messages: {@code "an ISO-8601 duration such as PT30S, Camel's form such as 30s or
     *     1m30s, or whole seconds"}
     */
    public static String forms(BareNumber bareNumber) {
        return "an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or " + bareNumber.words;
    }

    private static long wholeNumber(String digits, String what, BareNumber bareNumber) {
        try {
            long amount = Long.parseLong(digits);
            if (amount < 0) {
                throw new NegativeDuration(what + " must not be negative, got '" + digits + "'");
            }
            bareNumber.of(amount).toMillis(); // every user of a duration counts in milliseconds at most
            return amount;
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            throw new IllegalArgumentException(what + " is too large: " + digits + " " + (bareNumber == BareNumber.SECONDS
                    ? "seconds" : "milliseconds"));
        }
    }

    private static Duration iso(String text, String what, BareNumber bareNumber) {
        try {
            Duration duration = Duration.parse(text);
            if (duration.isNegative()) {
                throw new NegativeDuration(what + " must not be negative, got '" + text + "'");
            }
            duration.toMillis();
            return duration;
        } catch (DateTimeParseException malformed) {
            throw malformed(text, what, bareNumber);
        } catch (ArithmeticException tooLarge) {
            throw new IllegalArgumentException(what + " is too large: " + text);
        }
    }

    private static Duration camelForm(String text, String what) {
        long millis;
        try {
            millis = TimeUtils.toMilliSeconds(text);
        } catch (NumberFormatException tooLarge) {
            millis = -1;
        }
        if (millis < 0) {
            // a part past Long.MAX_VALUE, or a sum that overflowed
            throw new IllegalArgumentException(what + " is too large: " + text);
        }
        return Duration.ofMillis(millis);
    }

    private static IllegalArgumentException malformed(String text, String what, BareNumber bareNumber) {
        return new IllegalArgumentException(what + " must be " + forms(bareNumber) + ", got '" + text + "'");
    }

    private static IllegalArgumentException positiveRequired(String text, String what) {
        return new IllegalArgumentException(what + " must be positive, got '" + (text == null ? null : text.strip()) + "'");
    }

    /** A negative duration, told apart so {@link #parsePositive} can say "must be positive". */
    private static final class NegativeDuration extends IllegalArgumentException {
        private NegativeDuration(String message) {
            super(message);
        }
    }
}
