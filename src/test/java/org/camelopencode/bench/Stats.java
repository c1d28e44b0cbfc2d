package org.camelopencode.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of measured samples; never used by the test suite. */
final class Stats {

    private final double[] sorted;

    /** @param samples the measured values (any unit), at least one */
    Stats(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** @param fraction 0..1, e.g. 0.5 for the median, 0.99 for p99 (nearest rank) */
    double percentile(double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double median() {
        return percentile(0.5);
    }

    double min() {
        return sorted[0];
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    int count() {
        return sorted.length;
    }

    @Override
    public String toString() {
        return Arrays.toString(sorted);
    }
}
