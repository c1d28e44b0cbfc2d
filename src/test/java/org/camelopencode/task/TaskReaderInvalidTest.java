package org.camelopencode.task;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every invalid task is an {@code invalid_task} failure whose message names the file and the problem. */
class TaskReaderInvalidTest {

    private final TaskReader reader = new TaskReader();

    private OpenCodeFailureException failureOf(String fileName, byte[] content) {
        OpenCodeFailureException failure = catchThrowableOfType(OpenCodeFailureException.class,
                () -> reader.read(fileName, content));
        assertThat(failure).as("reading %s must fail", fileName).isNotNull();
        assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK);
        assertThat(failure.getReason()).startsWith(fileName + ": ");
        assertThat(failure.getSessionId()).isNull();
        assertThat(failure.getRequest()).isNull();
        return failure;
    }

    private String reasonOf(String fileName, String content) {
        return failureOf(fileName, content.getBytes(UTF_8)).getReason();
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty.md", "empty.txt", "empty.json", "empty.markdown"})
    void emptyFile(String fileName) {
        assertThat(reasonOf(fileName, "")).isEqualTo(fileName + ": is empty");
    }

    @Test
    void whitespaceOnlyFile() {
        assertThat(reasonOf("blank.txt", " \n\t\r\n ")).isEqualTo("blank.txt: is empty");
    }

    @Test
    void whitespaceOnlyPromptAfterFrontMatter() {
        assertThat(reasonOf("blank.md", "---\nmodel: a/b\n---\n   \n\n"))
                .isEqualTo("blank.md: the prompt is empty (no text in the body and no key 'prompt')");
    }

    @Test
    void whitespaceOnlyPromptKey() {
        assertThat(reasonOf("blank.json", "{\"prompt\": \"  \\n \"}")).isEqualTo("blank.json: key 'prompt' is missing or empty");
        assertThat(reasonOf("missing.json", "{\"model\": \"a/b\"}")).isEqualTo("missing.json: key 'prompt' is missing or empty");
    }

    @Test
    void promptInFrontMatterAndBodyIsAmbiguous() {
        assertThat(reasonOf("both.md", "---\nprompt: one\n---\ntwo\n"))
                .isEqualTo("both.md: the prompt is ambiguous: front matter has key 'prompt' and the body has text too");
    }

    @Test
    void unknownKeyIsNamedWithTheAllowedOnes() {
        assertThat(reasonOf("typo.md", "---\nexpct: json\n---\nhi")).isEqualTo(
                "typo.md: unknown key 'expct'; allowed keys: prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, sessionId, fork, command, arguments, files, workspace, base, commit, commitMessage, keep");
        assertThat(reasonOf("typo.json", "{\"prompt\":\"p\",\"Model\":\"a/b\"}")).startsWith("typo.json: unknown key 'Model';");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o", "/gpt-4o", "openai/", "open ai/gpt", "openai//gpt"})
    void modelMustBeProviderSlashModel(String model) {
        assertThat(reasonOf("m.json", "{\"prompt\":\"p\",\"model\":\"" + model + "\"}"))
                .isEqualTo("m.json: key 'model' must be 'provider/model' (for example 'anthropic/claude-sonnet-4'), got '"
                        + model + "'");
    }

    @Test
    void expectOtherThanTextOrJson() {
        assertThat(reasonOf("x.md", "---\nexpect: xml\n---\nhi")).isEqualTo("x.md: key 'expect' must be 'text' or 'json', got 'xml'");
    }

    @Test
    void schemaWithExpectTextIsContradictory() {
        assertThat(reasonOf("c.md", "---\nexpect: text\nschema: {type: object}\n---\nhi"))
                .isEqualTo("c.md: key 'schema' needs expect 'json' (or no expect), but expect is 'text'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "timeout: -1       | key 'timeout' must be positive, got '-1'",
            "timeout: 0        | key 'timeout' must be positive, got '0'",
            "timeout: '0'      | key 'timeout' must be positive, got '0'",
            "timeout: PT0S     | key 'timeout' must be positive, got 'PT0S'",
            "timeout: -PT5S    | key 'timeout' must be positive, got '-PT5S'",
            "timeout: abc      | key 'timeout' must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got 'abc'",
            "timeout: 30x      | key 'timeout' must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got '30x'",
            "timeout: 1.5      | key 'timeout' must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got a number (1.5)",
            "timeout: true     | key 'timeout' must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got a boolean (true)",
            "timeout: 99999999999999999999 | key 'timeout' is too large: 99999999999999999999 seconds"})
    void invalidTimeouts(String line, String reason) {
        assertThat(reasonOf("t.md", "---\n" + line.trim() + "\n---\nhi")).isEqualTo("t.md: " + reason);
    }

    @Test
    void wrongValueTypesNameTheKey() {
        assertThat(reasonOf("w.md", "---\ntitle: 42\n---\nhi")).isEqualTo("w.md: key 'title' must be a string, got a number (42)");
        assertThat(reasonOf("w.md", "---\nagent: [a, b]\n---\nhi")).isEqualTo("w.md: key 'agent' must be a string, got a list");
        assertThat(reasonOf("w.json", "{\"prompt\": {\"text\": \"hi\"}}")).isEqualTo("w.json: key 'prompt' must be a string, got an object");
        assertThat(reasonOf("w.json", "{\"prompt\":\"p\",\"schema\":\"object\"}"))
                .isEqualTo("w.json: key 'schema' must be an object (a JSON Schema), got a string ('object')");
        assertThat(reasonOf("w.md", "---\nschema: [1, 2]\n---\nhi"))
                .isEqualTo("w.md: key 'schema' must be an object (a JSON Schema), got a list");
        assertThat(reasonOf("w.md", "---\nstage: ''\n---\nhi")).isEqualTo("w.md: key 'stage' must not be empty");
    }

    @Test
    void nonUtf8Bytes() {
        byte[] latin1 = "caf\u00e9 prompt".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(failureOf("latin.txt", latin1).getReason()).isEqualTo("latin.txt: is not valid UTF-8 (bad byte at offset 3)");
    }

    @Test
    void truncatedUtf8AtTheEnd() {
        byte[] truncated = {'h', 'i', (byte) 0xE2, (byte) 0x82};

        assertThat(failureOf("cut.md", truncated).getReason()).startsWith("cut.md: is not valid UTF-8");
    }

    @Test
    void unclosedFrontMatter() {
        assertThat(reasonOf("open.md", "---\nmodel: a/b\nno closing line\n"))
                .isEqualTo("open.md: front matter opened by '---' on line 1 is never closed by a '---' or '...' line");
        assertThat(reasonOf("open.md", "---")).startsWith("open.md: front matter opened by '---' on line 1 is never closed");
    }

    @Test
    void yamlSyntaxErrorNamesTheFileLine() {
        assertThat(reasonOf("bad.md", "---\nmodel: a/b\ntitle: [unclosed\n---\nhi"))
                .isEqualTo("bad.md: front matter is not valid YAML: expected ',' or ']', but got <stream end> (line 4, column 1)");
        assertThat(reasonOf("tab.md", "---\ntitle: x\n  : y: z\n---\nhi")).startsWith("tab.md: front matter is not valid YAML: ");
    }

    @Test
    void duplicateYamlKeyIsRejected() {
        assertThat(reasonOf("dup.md", "---\ntitle: a\ntitle: b\n---\nhi"))
                .isEqualTo("dup.md: front matter is not valid YAML: found duplicate key title (line 3, column 1)");
    }

    @Test
    void customYamlTagsAreNotConstructed() {
        assertThat(reasonOf("tag.md", "---\ntitle: !!java.io.File /etc/passwd\n---\nhi"))
                .startsWith("tag.md: front matter is not valid YAML: could not determine a constructor for the tag");
    }

    @Test
    void frontMatterThatIsNotAMapping() {
        assertThat(reasonOf("list.md", "---\n- model\n- agent\n---\nhi"))
                .isEqualTo("list.md: front matter must be a YAML mapping of keys, got a list");
        assertThat(reasonOf("scalar.md", "---\njust text\n---\nhi"))
                .isEqualTo("scalar.md: front matter must be a YAML mapping of keys, got a string");
    }

    @Test
    void nonStringKeyInFrontMatter() {
        assertThat(reasonOf("key.md", "---\n1: one\n---\nhi")).isEqualTo("key.md: front matter has a key that is not a string: 1");
    }

    @Test
    void recursiveAliasInSchemaIsRejectedNotOverflowing() {
        assertThat(reasonOf("loop.md", "---\nschema: &a {items: *a}\n---\nhi"))
                .isEqualTo("loop.md: key 'schema' is nested more than 64 levels deep (a recursive alias?)");
    }

    @Test
    void yamlValuesJsonCannotHoldAreRejected() {
        assertThat(reasonOf("inf.md", "---\nschema: {maximum: .inf}\n---\nhi"))
                .isEqualTo("inf.md: key 'schema' holds a non-finite number (Infinity) at schema.maximum, which JSON cannot represent");
        assertThat(reasonOf("bin.md", "---\nschema: {b: !!binary aGVsbG8=}\n---\nhi"))
                .isEqualTo("bin.md: key 'schema' holds a value of type byte[] at schema.b, which JSON cannot represent");
        assertThat(reasonOf("nested-key.md", "---\nschema: {properties: {1: x}}\n---\nhi"))
                .isEqualTo("nested-key.md: key 'schema' at schema.properties has a key that is not a string: 1");
    }

    @Test
    void jsonArrayInsteadOfObject() {
        assertThat(reasonOf("arr.json", "[{\"prompt\":\"p\"}]")).isEqualTo("arr.json: must hold a JSON object like {\"prompt\": \"...\"}, got a JSON array");
        assertThat(reasonOf("str.json", "\"just a prompt\"")).isEqualTo("str.json: must hold a JSON object like {\"prompt\": \"...\"}, got a JSON string");
    }

    @Test
    void jsonSyntaxErrorNamesTheLine() {
        assertThat(reasonOf("syntax.json", "{\n\"prompt\": \"p\",\n}"))
                .startsWith("syntax.json: is not valid JSON: ")
                .endsWith("(line 3, column 1)");
    }

    @Test
    void jsonTrailingContentAndDuplicateKeys() {
        assertThat(reasonOf("trail.json", "{\"prompt\":\"p\"} {\"prompt\":\"q\"}")).startsWith("trail.json: is not valid JSON: ");
        assertThat(reasonOf("dup.json", "{\"prompt\":\"p\",\"prompt\":\"q\"}"))
                .startsWith("dup.json: is not valid JSON: ")
                .contains("prompt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"task.yaml", "task.pdf", "README", "task.md.bak"})
    void unsupportedExtension(String fileName) {
        assertThat(reasonOf(fileName, "a prompt"))
                .isEqualTo(fileName + ": unsupported file type; task files end in .md, .markdown, .txt or .json");
    }

    @Test
    void fileNameWithoutTaskName() {
        assertThat(reasonOf(".md", "hi")).isEqualTo(".md: has no task name before the extension");
    }

    @Test
    void tooLarge() {
        byte[] big = new byte[TaskReader.DEFAULT_MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');

        assertThat(failureOf("big.txt", big).getReason())
                .isEqualTo("big.txt: is 1048577 bytes, larger than the limit of 1048576 bytes");
    }

    @Test
    void tooLargeOnDiskIsRejectedBeforeReading(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("disk.md"), "0123456789A");

        OpenCodeFailureException failure = catchThrowableOfType(OpenCodeFailureException.class, () -> new TaskReader(10).read(file));

        assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK);
        assertThat(failure.getReason()).isEqualTo("disk.md: is 11 bytes, larger than the limit of 10 bytes");
    }

    @Test
    void missingFileIsUnreadable(@TempDir Path directory) {
        OpenCodeFailureException failure = catchThrowableOfType(OpenCodeFailureException.class,
                () -> reader.read(directory.resolve("gone.md")));

        assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK);
        assertThat(failure.getReason()).isEqualTo("gone.md: cannot be read (NoSuchFileException)");
    }
}
