package org.camelopencode.task;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Valid task files of every format and every key. Invalid ones are in {@link TaskReaderInvalidTest}. */
class TaskReaderTest {

    private final TaskReader reader = new TaskReader();

    private TaskSpec read(String fileName, String content) {
        return reader.read(fileName, content.getBytes(UTF_8));
    }

    @Test
    void markdownFrontMatterWithEveryKey() throws Exception {
        TaskSpec task = read("fix-bug.md", """
                ---
                model: anthropic/claude-sonnet-4
                agent: build
                title: Fix the bug
                expect: json
                schema:
                  type: object
                  properties:
                    answer: {type: string}
                  required: [answer]
                timeout: PT45S
                runId: run-7
                stage: review
                ---
                Fix the null check in Foo.java.
                """);

        assertThat(task.name()).isEqualTo("fix-bug");
        assertThat(task.prompt()).isEqualTo("Fix the null check in Foo.java.");
        assertThat(task.model()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(task.agent()).isEqualTo("build");
        assertThat(task.title()).isEqualTo("Fix the bug");
        assertThat(task.expect()).isEqualTo(Expectation.JSON);
        assertThat(task.schema()).isEqualTo(new ObjectMapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"]}"));
        assertThat(task.timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(task.runId()).isEqualTo("run-7");
        assertThat(task.stage()).isEqualTo("review");
    }

    @Test
    void markdownPromptInFrontMatterWithEmptyBody() {
        TaskSpec task = read("ask.markdown", "---\nprompt: '  Say hi  '\n---\n\n  \n");

        assertThat(task.name()).isEqualTo("ask");
        assertThat(task.prompt()).isEqualTo("Say hi");
        assertThat(task.expect()).isEqualTo(Expectation.TEXT);
        assertThat(task.model()).isNull();
        assertThat(task.schema()).isNull();
        assertThat(task.timeout()).isNull();
    }

    @Test
    void markdownWithoutFrontMatterIsAllPrompt() {
        TaskSpec task = read("notes.md", "# Title\n\nmodel: not/a-key\n---\nmore\n");

        assertThat(task.prompt()).isEqualTo("# Title\n\nmodel: not/a-key\n---\nmore");
        assertThat(task.model()).isNull();
    }

    @Test
    void dashesInsideTheBodyAreKept() {
        TaskSpec task = read("rule.md", "---\nagent: plan\n---\nabove\n---\nbelow\n...\nend\n");

        assertThat(task.agent()).isEqualTo("plan");
        assertThat(task.prompt()).isEqualTo("above\n---\nbelow\n...\nend");
    }

    @Test
    void frontMatterClosedByDotsAndEmptyFrontMatter() {
        assertThat(read("dots.md", "---\ntitle: T\n...\nbody").title()).isEqualTo("T");

        TaskSpec empty = read("empty-front.md", "---\n---\nonly body");
        assertThat(empty.prompt()).isEqualTo("only body");
        assertThat(empty.title()).isNull();
    }

    @Test
    void frontMatterDelimitersMayHaveTrailingBlanks() {
        TaskSpec task = read("blanks.md", "---  \ntitle: T\n--- \t\nbody");

        assertThat(task.title()).isEqualTo("T");
        assertThat(task.prompt()).isEqualTo("body");
    }

    @Test
    void crlfLineEndingsAreNormalized() {
        TaskSpec task = read("windows.md", "---\r\nmodel: openai/gpt-4o\r\ntimeout: 30\r\n---\r\nline one\r\nline two\r\n");

        assertThat(task.model()).isEqualTo("openai/gpt-4o");
        assertThat(task.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(task.prompt()).isEqualTo("line one\nline two");
    }

    @Test
    void byteOrderMarkIsDropped() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "---\ntitle: With BOM\n---\nhello".getBytes(UTF_8);
        byte[] content = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, content, 0, bom.length);
        System.arraycopy(body, 0, content, bom.length, body.length);

        TaskSpec task = reader.read("bom.md", content);

        assertThat(task.title()).isEqualTo("With BOM");
        assertThat(task.prompt()).isEqualTo("hello");
    }

    @Test
    void textFileIsAllPromptEvenWithFrontMatterLookalike() {
        TaskSpec task = read("plain.txt", "\n---\nmodel: x\n---\n  Summarize the README.  \n");

        assertThat(task.name()).isEqualTo("plain");
        assertThat(task.prompt()).isEqualTo("---\nmodel: x\n---\n  Summarize the README.");
        assertThat(task.model()).isNull();
        assertThat(task.expect()).isEqualTo(Expectation.TEXT);
    }

    @Test
    void jsonFileWithEveryKey() throws Exception {
        TaskSpec task = read("data.v2.json", """
                {"prompt": " List files ", "model": "openrouter/meta-llama/llama-3", "agent": "build",
                 "title": "Files", "expect": "json", "schema": {"type": "array"}, "timeout": "PT2M",
                 "runId": "r1", "stage": "s1"}
                """);

        assertThat(task.name()).isEqualTo("data.v2");
        assertThat(task.prompt()).isEqualTo("List files");
        assertThat(task.model()).isEqualTo("openrouter/meta-llama/llama-3");
        assertThat(task.agent()).isEqualTo("build");
        assertThat(task.title()).isEqualTo("Files");
        assertThat(task.expect()).isEqualTo(Expectation.JSON);
        assertThat(task.schema()).isEqualTo(new ObjectMapper().readTree("{\"type\":\"array\"}"));
        assertThat(task.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(task.runId()).isEqualTo("r1");
        assertThat(task.stage()).isEqualTo("s1");
    }

    @Test
    void jsonNullValuesCountAsAbsent() {
        TaskSpec task = read("nulls.json", "{\"prompt\":\"p\",\"model\":null,\"timeout\":null}");

        assertThat(task.model()).isNull();
        assertThat(task.timeout()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}s")
    @CsvSource(delimiter = '|', value = {
            "timeout: PT30S     | 30",
            "timeout: 30        | 30",
            "timeout: '30'      | 30",
            "timeout: \" 90 \"  | 90",
            "timeout: pt1h      | 3600",
            "timeout: P1DT1S    | 86401",
            "timeout: 30s       | 30",
            "timeout: 1m30s     | 90"})
    void timeoutForms(String line, long seconds) {
        TaskSpec task = read("t.md", "---\n" + line.trim() + "\n---\nprompt");

        assertThat(task.timeout()).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void jsonTimeoutAsNumberAndNumericString() {
        assertThat(read("a.json", "{\"prompt\":\"p\",\"timeout\":30}").timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(read("b.json", "{\"prompt\":\"p\",\"timeout\":\"30\"}").timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void schemaWithoutExpectImpliesJson() {
        TaskSpec yaml = read("s.md", "---\nschema: {type: object}\n---\nprompt");
        TaskSpec json = read("s.json", "{\"prompt\":\"p\",\"schema\":{\"type\":\"object\"}}");

        assertThat(yaml.expect()).isEqualTo(Expectation.JSON);
        assertThat(json.expect()).isEqualTo(Expectation.JSON);
    }

    @Test
    void expectIsCaseInsensitive() {
        assertThat(read("e.md", "---\nexpect: JSON\n---\np").expect()).isEqualTo(Expectation.JSON);
        assertThat(read("e.json", "{\"prompt\":\"p\",\"expect\":\"text\"}").expect()).isEqualTo(Expectation.TEXT);
    }

    @Test
    void extensionsMatchCaseInsensitivelyAndPathsAreStripped() {
        assertThat(read("UPPER.MD", "hi").name()).isEqualTo("UPPER");
        assertThat(read("inbox/sub/job.TXT", "hi").name()).isEqualTo("job");
    }

    @Test
    void readsFromDisk(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("disk-task.md");
        Files.writeString(file, "---\nmodel: a/b\n---\nfrom disk\n");

        TaskSpec task = reader.read(file);

        assertThat(task.name()).isEqualTo("disk-task");
        assertThat(task.model()).isEqualTo("a/b");
        assertThat(task.prompt()).isEqualTo("from disk");
    }

    @Test
    void fileExactlyAtTheSizeCapIsAccepted() {
        TaskReader small = new TaskReader(10);

        assertThat(small.read("cap.txt", "0123456789".getBytes(UTF_8)).prompt()).isEqualTo("0123456789");
        assertThat(small.maxBytes()).isEqualTo(10);
    }
}
