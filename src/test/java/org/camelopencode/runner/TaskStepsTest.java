package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TokenCounts;
import org.junit.jupiter.api.Test;

/**
 * The three {@link TaskSteps} and their one {@link TaskRecordWriter}, on plain exchanges: how each trigger names and
 * keys a task, how a re-sent error record is told from a task (by parsing it), which headers a record gets, and that
 * only the Kafka steps commit.
 */
class TaskStepsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CamelContext CONTEXT = new DefaultCamelContext();
    private static final AttemptRecord FAILED_ATTEMPT = new AttemptRecord(1, "ses_1", "p/m", "auth_failed", "401",
            TokenCounts.NONE, 0, 5, "2025-01-31T10:15:30Z");

    private static Exchange exchange(String body) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getMessage().setBody(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private static Exchange file(String fileName, String content) {
        Exchange exchange = exchange(content);
        exchange.getMessage().setHeader(Exchange.FILE_NAME_ONLY, fileName);
        return exchange;
    }

    private static DispatchResult result(String text) {
        return new DispatchResult("ses_2", "msg_2", "p/m", "build", text, null, new TokenUsage(10, 2, 0, 0, 0), 0.25, "stop",
                Duration.ofMillis(1234));
    }

    private static void failWith(Exchange exchange, Exception failure) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
    }

    private static JsonNode body(Exchange exchange) throws Exception {
        return JSON.readTree(exchange.getMessage().getBody(String.class));
    }

    private static String errorRecordOf(String task, TaskSpec original) {
        return TaskRecords.toJson(ErrorRecord.of(task, new OpenCodeFailureException(FailureKind.AUTH_FAILED, "401"),
                List.of(FAILED_ATTEMPT), null, original));
    }

    @Test
    void aZeroByteTaskFileIsInvalid() {
        Exchange exchange = file("zero.md", "");

        assertThatThrownBy(() -> new FileDropSteps().readTask(exchange))
                .isInstanceOfSatisfying(OpenCodeFailureException.class,
                        failure -> assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageContaining("zero.md: is empty");
    }

    @Test
    void aTaskFileBecomesItsTaskNamedAndKeyedByTheFile() {
        Exchange exchange = file("fix-bug.md", "---\ntitle: fix\n---\nFix the bug.\n");

        new FileDropSteps().readTask(exchange);

        TaskSpec task = exchange.getMessage().getBody(TaskSpec.class);
        assertThat(task.name()).isEqualTo("fix-bug");
        assertThat(task.prompt()).isEqualTo("Fix the bug.");
        assertThat(exchange.getProperty(RunnerConstants.TASK)).isEqualTo(task);
        assertThat(exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME)).isEqualTo("fix-bug");
        assertThat(exchange.getMessage().getHeader(OpenCodeConstants.TASK_KEY, String.class)).startsWith("file:fix-bug.md#sha256:");
        assertThat(AttemptHistory.of(exchange)).isEmpty();
    }

    @Test
    void anInvalidFileIsRecordedUnderItsFileName() throws Exception {
        for (String fileName : List.of("broken.json", "broken.error.json")) {
            Exchange exchange = file(fileName, "{");
            failWith(exchange, new OpenCodeFailureException(FailureKind.INVALID_TASK, fileName + ": is not valid JSON"));

            new FileDropSteps().errorRecord(exchange);

            JsonNode record = body(exchange);
            assertThat(record.get("task").asText()).as(fileName).isEqualTo("broken");
            assertThat(record.get("failure").asText()).isEqualTo("invalid_task");
            assertThat(record.get("file").asText()).isEqualTo(fileName);
            assertThat(record.has("original")).isFalse();
            assertThat(exchange.getMessage().getHeader(Exchange.FILE_NAME)).isEqualTo("broken.error.json");
            assertThat(exchange.getMessage().getHeader(OpenCodeConstants.FAILURE_KIND)).isEqualTo("invalid_task");
            assertThat(exchange.getMessage().getHeader(RunnerConstants.MESSAGE_STATUS)).isEqualTo("failed");
        }
    }

    @Test
    void aResentErrorRecordIsReadAsItsOriginalTaskWithItsAttempts() {
        Exchange exchange = exchange(errorRecordOf("deploy", TaskSpec.ofPrompt("deploy", "Deploy it.")));

        new MessageTaskSteps().readTask(exchange);

        assertThat(exchange.getMessage().getBody(TaskSpec.class).prompt()).isEqualTo("Deploy it.");
        assertThat(exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME)).isEqualTo("deploy");
        assertThat(AttemptHistory.of(exchange)).containsExactly(FAILED_ATTEMPT);
    }

    @Test
    void aJsonTaskWhoseSchemaHasStatusAndOriginalFieldsIsATaskNotARecord() {
        Exchange exchange = exchange("""
                {"prompt": "Compare the builds.", "expect": "json", "schema": {"type": "object",
                 "properties": {"status": {"type": "string"}, "original": {"type": "string"}}}}""");
        exchange.getMessage().setHeader(RunnerConstants.MESSAGE_TASK_NAME, "compare");

        new MessageTaskSteps().readTask(exchange);

        TaskSpec task = exchange.getMessage().getBody(TaskSpec.class);
        assertThat(task.prompt()).isEqualTo("Compare the builds.");
        assertThat(task.schema().get("properties").has("original")).isTrue();
        assertThat(AttemptHistory.of(exchange)).isEmpty();
    }

    @Test
    void aRecordThatCannotRunAgainIsInvalidAndSaysWhy() {
        Exchange noOriginal = exchange(errorRecordOf("broken", null));
        Exchange damaged = exchange("{\"status\": \"failed\", \"task\": \"x\"}");
        Exchange result = exchange("{\"status\": \"completed\", \"task\": \"x\"}");

        assertThatThrownBy(() -> new MessageTaskSteps().readTask(noOriginal)).hasMessageContaining("has no 'original' task");
        assertThatThrownBy(() -> new MessageTaskSteps().readTask(damaged)).hasMessageContaining("not a valid ErrorRecord");
        assertThatThrownBy(() -> new MessageTaskSteps().readTask(result))
                .isInstanceOfSatisfying(OpenCodeFailureException.class,
                        failure -> assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageContaining("status 'failed', got 'completed'");
    }

    @Test
    void aMessageIsNamedByHeaderThenPropertyThenTriggerThenExchangeId() {
        String[][] table = {
                // CamelOpenCodeTaskName, OpenCodeTaskName, JMSMessageID, expected name
                {"from-header", "from-property", "ID:1", "from-header"},
                {null, "from property!", "ID:1", "from-property-"},
                {null, " ", "ID:broker-1:1", "ID-broker-1-1"},
        };
        for (String[] row : table) {
            Exchange exchange = exchange("Say hi.");
            exchange.getMessage().setHeader(OpenCodeConstants.TASK_NAME, row[0]);
            exchange.getMessage().setHeader(RunnerConstants.MESSAGE_TASK_NAME, row[1]);
            exchange.getMessage().setHeader("JMSMessageID", row[2]);

            new MessageTaskSteps().readTask(exchange);

            assertThat(exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME)).as(row[3]).isEqualTo(row[3]);
            assertThat(exchange.getMessage().getHeader(RunnerConstants.MESSAGE_TASK_NAME)).isEqualTo(row[3]);
        }
        Exchange unnamed = exchange("Say hi.");
        new MessageTaskSteps().readTask(unnamed);
        assertThat(unnamed.getMessage().getHeader(OpenCodeConstants.TASK_NAME, String.class))
                .isEqualTo(unnamed.getExchangeId().replaceAll("[^A-Za-z0-9._-]+", "-"));
    }

    @Test
    void aMessageIsKeyedByHeaderThenPropertyThenItsJmsIdElseNotAtAll() {
        Exchange given = exchange("x");
        given.getMessage().setHeader(RunnerConstants.MESSAGE_TASK_KEY, "order-4711");
        given.getMessage().setHeader("JMSMessageID", "ID:1");
        Exchange jms = exchange("x");
        jms.getMessage().setHeader("JMSMessageID", "ID:1");
        Exchange scheduled = exchange("x");
        MessageTaskSteps steps = new MessageTaskSteps();

        assertThat(steps.taskKey(given.getMessage())).isEqualTo("order-4711");
        assertThat(steps.taskKey(jms.getMessage())).isEqualTo("jms:ID:1");
        assertThat(steps.taskKey(scheduled.getMessage())).isNull();
    }

    @Test
    void anInvalidMessageIsRecordedUnderTheNameItsSenderGave() throws Exception {
        Exchange exchange = exchange("");
        exchange.getMessage().setHeader(RunnerConstants.MESSAGE_TASK_NAME, "nightly");
        MessageTaskSteps steps = new MessageTaskSteps();
        OpenCodeFailureException failure = assertThrows(OpenCodeFailureException.class, () -> steps.readTask(exchange));
        failWith(exchange, failure);

        steps.errorRecord(exchange);

        assertThat(body(exchange).get("task").asText()).isEqualTo("nightly");
        assertThat(body(exchange).get("message").asText()).isEqualTo("nightly: the message has no body");
        assertThat(body(exchange).has("file")).isFalse();
        assertThat(exchange.getMessage().getHeader(RunnerConstants.MESSAGE_FAILURE_KIND)).isEqualTo("invalid_task");
    }

    @Test
    void anExceptionThatIsNoOpenCodeFailureIsRecordedAsAgentError() throws Exception {
        Exchange exchange = exchange("Say hi.");
        exchange.getMessage().setHeader(RunnerConstants.MESSAGE_TASK_NAME, "hi");
        MessageTaskSteps steps = new MessageTaskSteps();
        steps.readTask(exchange);
        failWith(exchange, new IllegalStateException("disk full"));

        steps.errorRecord(exchange);

        JsonNode record = body(exchange);
        assertThat(record.get("failure").asText()).isEqualTo("agent_error");
        assertThat(record.get("message").asText()).contains("disk full");
        assertThat(record.get("original").get("prompt").asText()).isEqualTo("Say hi.");
    }

    @Test
    void aKafkaRecordIsNamedAndKeyedByTheRecordAndOnlyTheKafkaStepsCommit() {
        Exchange exchange = exchange("Say hi.");
        exchange.getMessage().setHeader(KafkaConstants.KEY, "k-1");
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, "opencode.tasks");
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, 0);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, 7L);
        AtomicInteger commits = new AtomicInteger();
        exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) commits::incrementAndGet);
        KafkaTaskSteps kafka = new KafkaTaskSteps();

        kafka.readTask(exchange);
        new MessageTaskSteps().done(exchange);
        assertThat(commits).as("the message steps never commit").hasValue(0);
        kafka.done(exchange);

        assertThat(commits).hasValue(1);
        assertThat(exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME)).isEqualTo("k-1");
        assertThat(exchange.getMessage().getHeader(OpenCodeConstants.TASK_KEY)).isEqualTo("kafka:opencode.tasks:key:k-1");
        Exchange plainMessage = exchange("Say hi.");
        kafka.done(plainMessage);
        assertThat(kafka.taskKey(plainMessage.getMessage())).isNull();
    }

    @Test
    void theResultRecordOfEveryTriggerIsWrittenTheSameWay() throws Exception {
        for (TaskSteps steps : List.<TaskSteps>of(new FileDropSteps(), new MessageTaskSteps(), new KafkaTaskSteps())) {
            Exchange exchange = file("greet.txt", "Say hi.");
            exchange.getMessage().setHeader(RunnerConstants.MESSAGE_TASK_NAME, "greet");
            steps.readTask(exchange);
            exchange.getMessage().setBody(result("Hi."));

            steps.resultRecord(exchange);

            JsonNode record = body(exchange);
            assertThat(record.get("status").asText()).isEqualTo("completed");
            assertThat(record.get("task").asText()).as(steps.getClass().getSimpleName()).isEqualTo("greet");
            assertThat(record.get("text").asText()).isEqualTo("Hi.");
            assertThat(record.get("tokens").get("input").asLong()).isEqualTo(10);
            assertThat(record.get("durationMs").asLong()).isEqualTo(1234);
            assertThat(record.has("runId")).isFalse();
            assertThat(exchange.getMessage().getHeader(Exchange.FILE_NAME)).isEqualTo(record.get("task").asText() + ".result.json");
            assertThat(exchange.getMessage().getHeader(RunnerConstants.MESSAGE_STATUS)).isEqualTo("completed");
        }
    }

    @Test
    void theResultRecordOfAJmsMessageCarriesTheBrokersDuplicateIdOfThatMessage() throws Exception {
        assertThat(resultRecordOf(new MessageTaskSteps(), "ID:abc-1").getMessage().getHeader(RunnerConstants.ARTEMIS_DUPLICATE_ID))
                .isEqualTo("opencode-result:ID:abc-1");
        assertThat(resultRecordOf(new MessageTaskSteps(), null).getMessage().getHeader(RunnerConstants.ARTEMIS_DUPLICATE_ID))
                .as("a schedule fire: no message id").isNull();
        assertThat(resultRecordOf(new KafkaTaskSteps(), null).getMessage().getHeader(RunnerConstants.ARTEMIS_DUPLICATE_ID))
                .as("a Kafka record: Kafka's steps look in the topic instead").isNull();
    }

    /** A message (with a JMS message id, or none) after its dispatch and its result record. */
    private static Exchange resultRecordOf(TaskSteps steps, String jmsMessageId) throws Exception {
        Exchange exchange = exchange("Say hi.");
        if (jmsMessageId != null) {
            exchange.getMessage().setHeader("JMSMessageID", jmsMessageId);
        }
        steps.readTask(exchange);
        exchange.getMessage().setBody(result("Hi."));
        steps.resultRecord(exchange);
        return exchange;
    }

    @Test
    void aStageRecordHasItsRunAndStageAfterTheTask() throws Exception {
        Exchange exchange = file("greeter.md", "Add a greeting.");
        new FileDropSteps().readTask(exchange);
        exchange.getMessage().setBody(result("1. Plan."));

        TaskRecordWriter.writeStageResult(exchange, "greeter", "run-42", "plan");

        JsonNode record = body(exchange);
        List<String> fields = new ArrayList<>();
        record.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).startsWith("status", "task", "runId", "stage", "sessionId");
        assertThat(record.get("runId").asText()).isEqualTo("run-42");
        assertThat(record.get("stage").asText()).isEqualTo("plan");
        assertThat(exchange.getMessage().getHeader(Exchange.FILE_NAME)).isEqualTo("greeter.plan.result.json");
    }
}
