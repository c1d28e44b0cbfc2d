package org.camelopencode.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.workspace.WorkspaceRequest;

/**
 * Writes and reads the result and error records of the file-drop contract as pretty JSON with the
 * field order of DESIGN.md ({@code "key": value}, two-space indent, no trailing newline).
 */
public final class TaskRecords {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private static final ObjectWriter WRITER = MAPPER.writer(prettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("")));

    private TaskRecords() {
    }

    /** Objects and arrays alike: one element per line, two-space indent, LF on every platform. */
    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }

    /**
     * @param taskName the task name
     * @return the outbox file name of its result, {@code <name>.result.json}
     */
    public static String resultFileName(String taskName) {
        return Objects.requireNonNull(taskName, "taskName") + ".result.json";
    }

    /**
     * @param taskName the task name
     * @return the file name of its attempt's patch beside its record, {@code <name>.patch}
     */
    public static String patchFileName(String taskName) {
        return Objects.requireNonNull(taskName, "taskName") + ".patch";
    }

    /**
     * @param taskName the task name
     * @param stage the pipeline stage, for example {@code plan}
     * @return the outbox file name of that stage's result, {@code <name>.<stage>.result.json}
     */
    public static String stageResultFileName(String taskName, String stage) {
        return Objects.requireNonNull(taskName, "taskName") + "." + Objects.requireNonNull(stage, "stage") + ".result.json";
    }

    /**
     * @param taskName the task name
     * @return the dead-letter file name of its error record, {@code <name>.error.json}
     */
    public static String errorFileName(String taskName) {
        return Objects.requireNonNull(taskName, "taskName") + TaskReader.ERROR_RECORD_SUFFIX;
    }

    /**
     * The task as the JSON object of a {@code *.json} task file, keys in the order of {@code TaskFields}: {@code prompt,
     * model?, agent?, title?, expect, schema?, timeout?, runId?, stage?, maxTokens?, maxCost?, directory?, sessionId?, fork?,
     * command?, arguments?, files?, workspace?, base?, commit?, commitMessage?, keep?} (unset keys and false flags omitted;
     * {@code expect} is {@code text} or {@code json}; {@code timeout} an ISO-8601 duration). {@link TaskReader} reads it
     * back to an equal task.
     *
     * @param task the task
     * @return a new object
     */
    public static ObjectNode taskObject(TaskSpec task) {
        Objects.requireNonNull(task, "task");
        ObjectNode object = MAPPER.createObjectNode();
        object.put("prompt", task.prompt());
        putIfSet(object, "model", task.model());
        putIfSet(object, "agent", task.agent());
        putIfSet(object, "title", task.title());
        object.put("expect", task.expect() == Expectation.JSON ? "json" : "text");
        if (task.schema() != null) {
            object.set("schema", task.schema());
        }
        putIfSet(object, "timeout", task.timeout() == null ? null : task.timeout().toString());
        putIfSet(object, "runId", task.runId());
        putIfSet(object, "stage", task.stage());
        if (task.maxTokens() != null) {
            object.put("maxTokens", task.maxTokens());
        }
        if (task.maxCost() != null) {
            object.put("maxCost", task.maxCost());
        }
        putIfSet(object, "directory", task.directory());
        putTurn(object, task.turn());
        putWorkspace(object, task.workspace());
        return object;
    }

    /** The follow-up and command keys of a task, as {@code TaskTurnFields} reads them back. */
    private static void putTurn(ObjectNode object, TaskTurn turn) {
        putIfSet(object, "sessionId", turn.sessionId());
        if (turn.fork()) {
            object.put("fork", true);
        }
        putIfSet(object, "command", turn.command());
        putIfSet(object, "arguments", turn.arguments());
        if (!turn.files().isEmpty()) {
            turn.files().forEach(object.putArray("files")::add);
        }
    }

    /** The workspace keys {@code workspace, base?, commit?, commitMessage?, keep?} (false flags omitted). */
    private static void putWorkspace(ObjectNode object, WorkspaceRequest workspace) {
        if (workspace == null) {
            return;
        }
        object.put("workspace", workspace.mode().wireName());
        putIfSet(object, "base", workspace.base());
        if (workspace.commit()) {
            object.put("commit", true);
        }
        putIfSet(object, "commitMessage", workspace.commitMessage());
        if (workspace.keep()) {
            object.put("keep", true);
        }
    }

    private static void putIfSet(ObjectNode object, String key, String value) {
        if (value != null) {
            object.put(key, value);
        }
    }

    /**
     * @param record the result
     * @return the record as pretty JSON; {@code json} is omitted when {@code null}
     */
    public static String toJson(ResultRecord record) {
        return write(Objects.requireNonNull(record, "record"));
    }

    /**
     * @param record the failure
     * @return the record as pretty JSON; {@code sessionId} and {@code request} are omitted when {@code null}
     */
    public static String toJson(ErrorRecord record) {
        return write(Objects.requireNonNull(record, "record"));
    }

    /**
     * @param json the content of a {@code .result.json} file
     * @return the record
     * @throws IllegalArgumentException when the text is not JSON, not a result record, or its status is
     *     not {@code "completed"}
     */
    public static ResultRecord readResult(String json) {
        return read(json, ResultRecord.class);
    }

    /**
     * @param json the content of an {@code .error.json} file
     * @return the record
     * @throws IllegalArgumentException when the text is not JSON, not an error record, or its status is
     *     not {@code "failed"}
     */
    public static ErrorRecord readError(String json) {
        return read(json, ErrorRecord.class);
    }

    /**
     * Reads a dead letter sent back in to run again (a re-drive), as an input the user gave.
     *
     * @param source what the record came as, for the message: a file name or a task name
     * @param json the content of an {@code .error.json} file or message
     * @return the record
     * @throws OpenCodeFailureException {@code invalid_task} with {@code "<source>: <what is wrong>"} when it is not a
     *     valid error record
     */
    public static ErrorRecord readDeadLetter(String source, String json) {
        try {
            return readError(json);
        } catch (IllegalArgumentException malformed) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, source + ": " + malformed.getMessage());
        }
    }

    /**
     * Whether a text is meant as a record rather than a task: it parses as a JSON object with a {@code status} field,
     * which every record has and no task may have (a task's keys are {@code TaskFields}'). A re-sent error record is
     * recognised this way, then read with {@link #readError(String)}, which says what is wrong with a damaged one.
     *
     * @param text a message body or file content
     * @return true for a JSON object with a {@code status} field; false for anything else, including text that is not
     *     JSON at all
     */
    public static boolean isRecord(String text) {
        Objects.requireNonNull(text, "text");
        try {
            JsonNode tree = MAPPER.readTree(text);
            return tree != null && tree.isObject() && tree.has("status");
        } catch (JsonProcessingException notJson) {
            return false;
        }
    }

    private static String write(Object record) {
        try {
            return WRITER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            // Records of strings, numbers and JSON trees always serialize; this is a bug, not bad input.
            throw new UncheckedIOException("cannot write " + record.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        Objects.requireNonNull(json, "json");
        try {
            T record = MAPPER.readValue(json, type);
            if (record == null) {
                throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": the JSON is null");
            }
            return record;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": "
                    + TaskProblem.firstLine(e.getOriginalMessage()), e);
        }
    }
}
