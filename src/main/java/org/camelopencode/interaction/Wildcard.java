package org.camelopencode.interaction;

import java.util.Locale;
import java.util.Objects;

/**
 * A whole-string wildcard used by the permission and question policies: {@code *} matches any run of characters
 * (none, spaces and {@code /} included), {@code ?} matches exactly one character, every other character is literal
 * (no regular expressions: {@code .}, {@code (}, {@code +}, {@code $}, {@code \} match themselves). There is no escape
 * character; a literal {@code *} or {@code ?} in the text is matched by the wildcards themselves.
 *
 * <p>Matching is case-sensitive unless the wildcard was made with {@link #ignoringCase(String)}. Characters are
 * compared as Unicode code points.
 */
public final class Wildcard {

    private final String pattern;
    private final boolean ignoreCase;
    private final int[] codePoints;

    private Wildcard(String pattern, boolean ignoreCase) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.ignoreCase = ignoreCase;
        this.codePoints = fold(pattern, ignoreCase);
    }

    /**
     * @param pattern the wildcard text, for example {@code git *}
     * @return a case-sensitive wildcard
     * @throws NullPointerException when the pattern is null
     */
    public static Wildcard of(String pattern) {
        return new Wildcard(pattern, false);
    }

    /**
     * @param pattern the wildcard text, for example {@code Which color?}
     * @return a wildcard that compares letters without regard to case
     * @throws NullPointerException when the pattern is null
     */
    public static Wildcard ignoringCase(String pattern) {
        return new Wildcard(pattern, true);
    }

    /**
     * @param text the text to test; null is treated as the empty string
     * @return true when the whole text matches the whole pattern
     */
    public boolean matches(String text) {
        int[] candidate = fold(text == null ? "" : text, ignoreCase);
        // Linear-time glob matching: remember the last '*' and retry from it instead of recursing.
        int textIndex = 0;
        int patternIndex = 0;
        int starIndex = -1;
        int textAfterStar = 0;
        while (textIndex < candidate.length) {
            if (patternIndex < codePoints.length
                    && (codePoints[patternIndex] == '?' || codePoints[patternIndex] == candidate[textIndex])
                    && codePoints[patternIndex] != '*') {
                patternIndex++;
                textIndex++;
            } else if (patternIndex < codePoints.length && codePoints[patternIndex] == '*') {
                starIndex = patternIndex++;
                textAfterStar = textIndex;
            } else if (starIndex >= 0) {
                patternIndex = starIndex + 1;
                textIndex = ++textAfterStar;
            } else {
                return false;
            }
        }
        while (patternIndex < codePoints.length && codePoints[patternIndex] == '*') {
            patternIndex++;
        }
        return patternIndex == codePoints.length;
    }

    /** @return true when the pattern is made of {@code *} only and so matches every text, the empty one included */
    public boolean matchesEverything() {
        return !pattern.isEmpty() && pattern.chars().allMatch(character -> character == '*');
    }

    /** @return the pattern as written */
    public String pattern() {
        return pattern;
    }

    private static int[] fold(String text, boolean ignoreCase) {
        return (ignoreCase ? text.toLowerCase(Locale.ROOT) : text).codePoints().toArray();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Wildcard wildcard && wildcard.pattern.equals(pattern) && wildcard.ignoreCase == ignoreCase;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pattern, ignoreCase);
    }

    /** @return the pattern as written */
    @Override
    public String toString() {
        return pattern;
    }
}
