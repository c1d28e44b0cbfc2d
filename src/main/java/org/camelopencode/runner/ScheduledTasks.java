package org.camelopencode.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.task.TaskReader;

/**
 * What a schedule fire dispatches ({@code routes/scheduled.yaml}): the configured prompt
 * ({@code opencode.schedule.prompt}), or every task file of a folder ({@code opencode.schedule.folder}).
 * Each becomes one message for the task route, named {@code <name>-<fire time>} so every fire writes
 * its own records.
 */
public class ScheduledTasks {

    private static final DateTimeFormatter FIRE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final String name;
    private final String prompt;
    private final Path folder;

    /**
     * @param name the task name of the configured prompt
     * @param prompt the prompt (a task in any format: JSON, Markdown with front matter, text), or {@code null}
     * @param folder a folder whose task files (md, markdown, txt, json) run on every fire, or {@code null}
     */
    public ScheduledTasks(String name, String prompt, Path folder) {
        this.name = name;
        this.prompt = prompt;
        this.folder = folder;
    }

    /**
     * @param exchange the fire's exchange
     * @return one message per task: body = the task's content, header {@code CamelOpenCodeTaskName}
     * @throws UncheckedIOException when the folder cannot be read
     */
    public List<Message> tasks(Exchange exchange) {
        String fired = ZonedDateTime.now(ZoneOffset.UTC).format(FIRE_TIME);
        List<Message> tasks = new ArrayList<>();
        if (prompt != null && !prompt.isBlank()) {
            tasks.add(message(exchange, name + "-" + fired, prompt.getBytes(StandardCharsets.UTF_8)));
        }
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(Files::isRegularFile).filter(ScheduledTasks::isTaskFile).sorted().toList()) {
                    tasks.add(message(exchange, TaskReader.taskName(file.getFileName().toString()) + "-" + fired, Files.readAllBytes(file)));
                }
            } catch (IOException failure) {
                throw new UncheckedIOException("the schedule folder " + folder + " cannot be read", failure);
            }
        }
        return tasks;
    }

    private static boolean isTaskFile(Path file) {
        String fileName = file.getFileName().toString();
        return !fileName.startsWith(".") && fileName.matches(".*\\.(md|markdown|txt|json)");
    }

    private static Message message(Exchange exchange, String taskName, byte[] content) {
        Message message = new DefaultMessage(exchange.getContext());
        message.setBody(content);
        message.setHeader(OpenCodeConstants.TASK_NAME, taskName);
        return message;
    }
}
