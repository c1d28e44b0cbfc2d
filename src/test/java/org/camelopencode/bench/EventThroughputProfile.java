package org.camelopencode.bench;

/**
 * Runs one of row 3's three measurements alone, round after round, so that a profiler (JFR) sees only that code:
 * {@code java -XX:StartFlightRecording=settings=profile,filename=row3.jfr -cp ... org.camelopencode.bench.EventThroughputProfile consumer 20}.
 * Not part of {@code ./bench.sh}; the figures it prints are for orientation only (BenchMain interleaves the three).
 */
public final class EventThroughputProfile {

    /**
     * @param args {@code consumer}, {@code stream} or {@code lines}, then the number of rounds (default 20)
     * @throws Exception when a round cannot measure (see {@link EventThroughputBench#run(int)})
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: EventThroughputProfile consumer|stream|lines [rounds]");
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (SseReplayServer server = new SseReplayServer(100_000)) {
            for (int round = 1; round <= rounds; round++) {
                EventThroughputBench.Rate rate = switch (args[0]) {
                    case "consumer" -> EventThroughputBench.consumerRound(server).rate();
                    case "stream" -> EventThroughputBench.eventStreamRound(server).rate();
                    case "lines" -> EventThroughputBench.lineBaselineRound(server);
                    default -> throw new IllegalArgumentException("unknown measurement " + args[0] + "; use consumer, stream or lines");
                };
                System.out.printf("  %s round %d: %.0f events per CPU s, %.0f events/s%n", args[0], round,
                        rate.eventsPerCpuSecond(), rate.eventsPerSecond());
            }
        }
    }

    private EventThroughputProfile() {
    }
}
