package org.camelopencode.component;

import java.util.Locale;

/** Parses sizes such as {@code 0}, {@code 1048576}, {@code 512k}, {@code 10m}, {@code 2g} (binary units, a trailing {@code b}/{@code ib} allowed). */
final class ByteSizes {

    private ByteSizes() {
    }

    /**
     * @param text   the size, blank = 0
     * @param option the option's name for the error message
     * @return the size in bytes
     * @throws IllegalArgumentException when the text is not a non-negative whole number with an optional unit
     */
    static long parse(String text, String option) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        String value = text.strip().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        long multiplier = 1;
        char unit = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
        if (unit == 'k' || unit == 'm' || unit == 'g') {
            multiplier = unit == 'k' ? 1024L : unit == 'm' ? 1024L * 1024 : 1024L * 1024 * 1024;
            value = value.substring(0, value.length() - 1).strip();
        }
        try {
            long number = Long.parseLong(value);
            if (number < 0) {
                throw new NumberFormatException("negative");
            }
            return Math.multiplyExact(number, multiplier);
        } catch (NumberFormatException | ArithmeticException malformed) {
            throw new IllegalArgumentException(option + " must be a size such as 0, 1048576, 512k, 10m or 2g, got '" + text + "'");
        }
    }
}
