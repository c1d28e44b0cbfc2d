package org.camelopencode.task;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * Reads a task file into a validated {@link TaskSpec} (DESIGN.md, "File-drop runner").
 *
 * <ul>
 *   <li>{@code *.md} / {@code *.markdown}: optional YAML front matter (first line {@code ---}, closed by
 *       {@code ---} or {@code ...}); the body is the prompt unless the front matter has {@code prompt}
 *       (both at once is ambiguous and rejected). Without front matter the whole text is the prompt.</li>
 *   <li>{@code *.txt}: the whole text is the prompt.</li>
 *   <li>{@code *.json}: one object {@code {"prompt": ..., "model"?: ..., ...}}.</li>
 * </ul>
 * Keys: {@code prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost}; an unknown key,
 * a value of the wrong type, a model that is not {@code provider/model}, a timeout that is not a positive
 * duration ({@link Durations}: ISO-8601, Camel's {@code 1m30s} form, or whole seconds), and an empty prompt are all rejected. Content must be
 * UTF-8 (a leading byte order mark is dropped, CRLF becomes LF) and at most {@link #maxBytes()} bytes.
 * Extensions match case-insensitively. The task name is the file name without its last extension.
 *
 * <p>Every problem throws {@link OpenCodeFailureException} of kind {@link FailureKind#INVALID_TASK} with the
 * message {@code "<file name>: <reason>"}; no partial task is ever returned. Instances are immutable and
 * thread-safe.
 */
public final class TaskReader {

    /** The default size cap: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

    /** The file name ending of error records ({@code <name>.error.json}), which the inbox accepts as re-drives. */
    public static final String ERROR_RECORD_SUFFIX = ".error.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxBytes;

    /** A reader with the {@link #DEFAULT_MAX_BYTES} size cap. */
    public TaskReader() {
        this(DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxBytes the largest accepted file, in bytes, positive
     * @throws IllegalArgumentException when {@code maxBytes} is not positive
     */
    public TaskReader(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** @return the largest accepted file, in bytes */
    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Reads a task file from disk. The size is checked before the content is loaded.
     *
     * @param file the task file; its file name gives the format and the task name
     * @return the task
     * @throws OpenCodeFailureException of kind {@code invalid_task} when the file cannot be read or is invalid
     */
    public TaskSpec read(Path file) {
        Objects.requireNonNull(file, "file");
        Path fileNamePath = file.getFileName();
        String fileName = fileNamePath == null ? file.toString() : fileNamePath.toString();
        byte[] content;
        try {
            checkSize(fileName, Files.size(file));
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw invalid(fileName, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        return read(fileName, content);
    }

    /**
     * Reads a task from a file's name and content.
     *
     * @param fileName the file name, for example {@code fix-bug.md}; only the last path segment is used
     * @param content the raw file bytes
     * @return the task
     * @throws OpenCodeFailureException of kind {@code invalid_task} when the task is invalid
     */
    public TaskSpec read(String fileName, byte[] content) {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(content, "content");
        String baseName = lastSegment(fileName);
        checkSize(baseName, content.length);
        try {
            TaskFormat format = TaskFormat.of(baseName);
            String name = checkedTaskName(baseName);
            String text = TaskText.decode(content);
            if (text.isBlank()) {
                throw new TaskProblem("is empty");
            }
            return switch (format) {
                case MARKDOWN -> readMarkdown(name, text);
                case TEXT -> TaskFields.toTask(name, JsonNodeFactory.instance.objectNode(), text);
                case JSON -> TaskFields.toTask(name, parseJsonObject(text), null);
            };
        } catch (TaskProblem problem) {
            throw invalid(baseName, problem.getMessage(), null);
        }
    }

    /**
     * @param fileName a file name
     * @return whether it names an error record ({@code <name>.error.json}, case-insensitive)
     */
    public static boolean isErrorRecord(String fileName) {
        return fileName != null && lastSegment(fileName).toLowerCase(Locale.ROOT).endsWith(ERROR_RECORD_SUFFIX);
    }

    /**
     * Reads a dead letter back as its task, to run it again (a re-drive). The task is the record's {@code original},
     * validated like a {@code *.json} task file; its name is the record's {@code task}.
     *
     * @param record an error record read with {@link TaskRecords#readError(String)}
     * @return the task
     * @throws OpenCodeFailureException of kind {@code invalid_task} when the record has no {@code original} (the task
     *     never was readable) or it is not a valid task
     */
    public TaskSpec readErrorRecord(ErrorRecord record) {
        Objects.requireNonNull(record, "record");
        String fileName = TaskRecords.errorFileName(record.task());
        ObjectNode original = record.original();
        if (original == null) {
            throw invalid(fileName, "has no 'original' task to run again (the task file itself was invalid;"
                    + " fix and drop the original file instead)", null);
        }
        try {
            return TaskFields.toTask(record.task(), original, null);
        } catch (TaskProblem problem) {
            throw invalid(fileName, problem.getMessage(), null);
        }
    }

    private static TaskSpec readMarkdown(String name, String text) {
        MarkdownTask markdown = MarkdownTask.split(text);
        ObjectNode fields = markdown.frontMatter() == null
                ? JsonNodeFactory.instance.objectNode()
                : FrontMatterYaml.parse(markdown.frontMatter());
        return TaskFields.toTask(name, fields, markdown.body());
    }

    private static ObjectNode parseJsonObject(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? ""
                    : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw new TaskProblem("is not valid JSON: " + TaskProblem.firstLine(e.getOriginalMessage()) + where);
        }
        if (root == null || root.isMissingNode()) {
            throw new TaskProblem("is empty");
        }
        if (!root.isObject()) {
            throw new TaskProblem("must hold a JSON object like {\"prompt\": \"...\"}, got a JSON "
                    + root.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return (ObjectNode) root;
    }

    private void checkSize(String fileName, long size) {
        if (size > maxBytes) {
            throw invalid(fileName, "is " + size + " bytes, larger than the limit of " + maxBytes + " bytes", null);
        }
    }

    /**
     * The task name of a task file: its name without the last extension ({@code fix-bug.md} ->
     * {@code fix-bug}); a name without an extension is its own task name.
     *
     * @param fileName the file name, without folders
     * @return the task name; unchecked ({@link #read} rejects names without one)
     */
    public static String taskName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName : fileName.substring(0, dot);
    }

    private static String checkedTaskName(String fileName) {
        String name = taskName(fileName);
        if (name.equals(fileName) || name.isBlank()) {
            throw new TaskProblem("has no task name before the extension");
        }
        return name;
    }

    private static String lastSegment(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        return fileName.substring(slash + 1);
    }


    private static OpenCodeFailureException invalid(String fileName, String reason, Throwable cause) {
        return new OpenCodeFailureException(FailureKind.INVALID_TASK, fileName + ": " + reason, null, null, cause);
    }

    /** The supported task file formats, chosen by extension. */
    private enum TaskFormat {
        MARKDOWN, TEXT, JSON;

        static TaskFormat of(String fileName) {
            String lower = fileName.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
                return MARKDOWN;
            } else if (lower.endsWith(".txt")) {
                return TEXT;
            } else if (lower.endsWith(".json")) {
                return JSON;
            }
            throw new TaskProblem("unsupported file type; task files end in .md, .markdown, .txt or .json");
        }
    }
}
