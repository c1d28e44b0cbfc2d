package org.camelopencode.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What came out of the cluster, as the test's own consumer saw it: each result record (results topic or queue) by task
 * name with the time it arrived, and every dead letter. Thread-safe: a broker client's thread adds, the test reads.
 */
final class ResultLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One record that arrived.
     *
     * @param record the record's JSON ({@code status}, {@code task}, {@code text}, {@code sessionId}, ...)
     * @param arrived when the test's consumer got it
     */
    record Arrival(JsonNode record, Instant arrived) {
    }

    private final Map<String, List<Arrival>> results = new ConcurrentHashMap<>();
    private final List<String> deadLetters = new CopyOnWriteArrayList<>();

    /**
     * @param name the task name (record key, or the record's {@code task} field)
     * @param body the result record's JSON text
     * @throws IOException when it is not JSON
     */
    void result(String name, String body) throws IOException {
        results.computeIfAbsent(name, key -> new CopyOnWriteArrayList<>()).add(new Arrival(JSON.readTree(body), Instant.now()));
    }

    /**
     * @param body a result record's JSON text, recorded under its {@code task} field
     * @throws IOException when it is not JSON
     */
    void result(String body) throws IOException {
        JsonNode record = JSON.readTree(body);
        results.computeIfAbsent(record.path("task").asText(), key -> new CopyOnWriteArrayList<>()).add(new Arrival(record, Instant.now()));
    }

    /** @param body a dead letter's text, kept as it came */
    void deadLetter(String body) {
        deadLetters.add(body);
    }

    /** @return how many distinct tasks have at least one result */
    int tasksWithResults() {
        return results.size();
    }

    /** @return every result record of every task, duplicates included */
    int resultRecords() {
        return results.values().stream().mapToInt(List::size).sum();
    }

    /**
     * @param name a task name
     * @return the results of the task, in arrival order (empty when none)
     */
    List<Arrival> of(String name) {
        return results.getOrDefault(name, List.of());
    }

    /**
     * @param names task names
     * @return whether every one of them has a result
     */
    boolean allArrived(Collection<String> names) {
        return names.stream().allMatch(results::containsKey);
    }

    /**
     * @param names task names
     * @return when the last first result of them arrived, if all did
     */
    Optional<Instant> lastFirstArrival(Collection<String> names) {
        if (!allArrived(names)) {
            return Optional.empty();
        }
        return names.stream().map(name -> results.get(name).get(0).arrived()).max(Instant::compareTo);
    }

    /** @return the task names with more than one result record */
    List<String> duplicates() {
        List<String> twice = new ArrayList<>();
        results.forEach((name, arrivals) -> {
            if (arrivals.size() > 1) {
                twice.add(name);
            }
        });
        return twice;
    }

    /** @return the dead letters received */
    List<String> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
