package org.camelopencode.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;

/**
 * The tasks of one cluster test and their scripted replies: task {@code i} is named {@code <prefix>-<i>} (three digits),
 * its prompt holds the marker {@code <MARKER>-<i>-MARK} (unique, never a part of another marker), and the scripted model
 * answers it {@code "<name> done"}; every {@code slowEvery}-th task is answered slowly (each streamed frame paced), so
 * that the runners have tasks running at any time. {@link #firstPrompts} counts the sessions the model saw per task.
 */
public final class ClusterTasks {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One task.
     *
     * @param name its name (the Kafka record key, the JMS {@code OpenCodeTaskName} property)
     * @param marker the text only its prompt holds
     * @param slow whether its reply is paced
     */
    record Task(String name, String marker, boolean slow) {

        /** @return the prompt sent as the task's body */
        String prompt() {
            return marker + " Answer with your line.";
        }

        /** @return the text the scripted model answers */
        String reply() {
            return name + " done";
        }
    }

    private final List<Task> tasks;

    private ClusterTasks(List<Task> tasks) {
        this.tasks = tasks;
    }

    /**
     * Scripts the replies of {@code count} tasks on the model.
     *
     * @param model the scripted model of the shared server
     * @param prefix the task names' prefix ({@code kafka}, {@code jms})
     * @param count how many tasks
     * @param slowEvery every how many-th task is slow (task 0, slowEvery, 2 * slowEvery, ...)
     * @param perFrame the pause before each streamed frame of a slow reply (a reply streams five frames)
     * @return the tasks
     */
    static ClusterTasks script(ScriptedModelServer model, String prefix, int count, int slowEvery, Duration perFrame) {
        List<Task> tasks = new ArrayList<>();
        String marker = prefix.toUpperCase(java.util.Locale.ROOT) + "-CLUSTER";
        for (int index = 0; index < count; index++) {
            Task task = new Task(String.format("%s-%03d", prefix, index), String.format("%s-%03d-MARK", marker, index), index % slowEvery == 0);
            Reply reply = Reply.text(task.reply());
            model.when(RequestMatcher.promptContains(task.marker())).reply(task.slow() ? Reply.slow(reply, perFrame) : reply);
            tasks.add(task);
        }
        return new ClusterTasks(List.copyOf(tasks));
    }

    /** @return the tasks in order */
    List<Task> all() {
        return tasks;
    }

    /** @return the task names in order */
    List<String> names() {
        return tasks.stream().map(Task::name).toList();
    }

    /**
     * Counts, per task, the model requests whose FIRST user message holds the task's marker: each is the opening turn of
     * a session for that task (a re-attached session sends none, a second session would send a second one). Title
     * requests are left out.
     *
     * @param requests the model's recorded requests
     * @return task name to count, for every task (0 when the model never saw it)
     */
    Map<String, Integer> firstPrompts(List<RecordedRequest> requests) {
        Map<String, String> byMarker = new LinkedHashMap<>();
        tasks.forEach(task -> byMarker.put(task.marker(), task.name()));
        Map<String, Integer> counts = new LinkedHashMap<>();
        tasks.forEach(task -> counts.put(task.name(), 0));
        for (RecordedRequest request : requests) {
            if (request.titleRequest()) {
                continue;
            }
            String first = firstUserText(request.messagesJson());
            for (Map.Entry<String, String> marker : byMarker.entrySet()) {
                if (first.contains(marker.getKey())) {
                    counts.merge(marker.getValue(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** The text of the first {@code role: "user"} message: a string content, or its text parts joined. */
    public static String firstUserText(String messagesJson) {
        try {
            for (JsonNode message : JSON.readTree(messagesJson)) {
                if ("user".equals(message.path("role").asText())) {
                    JsonNode content = message.path("content");
                    if (content.isTextual()) {
                        return content.asText();
                    }
                    StringBuilder text = new StringBuilder();
                    content.forEach(part -> text.append(part.path("text").asText()));
                    return text.toString();
                }
            }
            return "";
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
