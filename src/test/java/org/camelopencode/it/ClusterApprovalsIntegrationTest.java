package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.main.Main;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.PermissionRequest;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Approvals in a cluster: two runners in this JVM (two CamelMain instances, {@code alpha} and {@code beta}), each with
 * its OWN real {@code opencode serve} (distinct ports and passwords: neither can apply a request on the other's server),
 * one Artemis broker (alpha's embedded one; beta and the approver connect over TCP), one shared H2 ledger and the
 * scripted model. A request escalated by a session beta owns is answered on the shared reply queue while only alpha
 * reads it: alpha forwards it to beta (property {@code OpenCodeApprovalOwner=beta}), and beta applies it on its own
 * server once it reads its approvals. An approval for a session nobody owns any more (its task ended; its runner's
 * lease expired) lands on the rejected queue with the reason in {@code OpenCodeApprovalError}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterApprovalsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLIES = "opencode.approvals.replies";

    private SharedOpenCode openCode;
    private ManagedOpenCodeServer betaServer;
    private Path work;
    private Main alpha;
    private Main beta;
    private Connection approver;
    private Session session;
    private final List<Message> escalations = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startTwoRunnersWithTheirOwnServers() throws Exception {
        openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("CA-OWNED")).reply(
                Reply.toolCall("bash", "{\"command\":\"echo owned-by-beta\",\"description\":\"Echo\"}"), Reply.text("applied on beta's server"));
        betaServer = openCode.startAnotherServer();
        work = Files.createTempDirectory("cluster-approvals-it-");
        int brokerPort = freePort();
        alpha = runner("alpha", Integer.toString(brokerPort), null);
        alpha.start();
        beta = runner("beta", "-1", "tcp://127.0.0.1:" + brokerPort);
        beta.addOverrideProperty("opencode.server.url", betaServer.baseUri().toString());
        beta.addOverrideProperty("opencode.server.username", betaServer.username());
        beta.addOverrideProperty("opencode.server.password", betaServer.password());
        beta.start();
        // beta reads no approvals until the test lets it: whatever is on the reply queue is read by alpha first
        beta.getCamelContext().getRouteController().stopRoute("approvals");

        approver = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort).createConnection();
        session = approver.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(session.createQueue("opencode.approvals")).setMessageListener(escalations::add);
        approver.start();
    }

    private Main runner(String nodeId, String brokerPort, String brokerUrl) {
        Main runner = openCode.newRunner(work.resolve(nodeId));
        runner.addOverrideProperty("opencode.timeout", "PT90S");
        runner.addOverrideProperty("opencode.ledger.url", "jdbc:h2:file:" + work.resolve("ledger").toAbsolutePath() + ";AUTO_SERVER=FALSE");
        runner.addOverrideProperty("opencode.cluster.enabled", "true");
        runner.addOverrideProperty("opencode.cluster.node-id", nodeId);
        runner.addOverrideProperty("opencode.cluster.lease", "PT5S");
        runner.addOverrideProperty("opencode.jms.port", brokerPort);
        if (brokerUrl != null) {
            runner.addOverrideProperty("opencode.jms.url", brokerUrl);
        }
        runner.addOverrideProperty("opencode.approvals.enabled", "true");
        runner.addOverrideProperty("opencode.approvals.time-to-live", "PT80S");
        runner.addOverrideProperty("opencode.permission-policy", "bash:echo *=escalate; *=reject");
        runner.addOverrideProperty("camel.main.shutdownTimeout", "5");
        return runner;
    }

    @AfterAll
    void stop() throws Exception {
        if (approver != null) {
            approver.close();
        }
        for (Main runner : new Main[] {beta, alpha}) {
            if (runner != null) {
                runner.stop();
            }
        }
        if (betaServer != null) {
            betaServer.close();
        }
    }

    @Test
    void anApprovalReadByAlphaIsForwardedToBetaAndAppliedOnBetasServerThenAReplayIsRejected() throws Exception {
        Files.writeString(Files.createDirectories(work.resolve("beta").resolve("inbox")).resolve("owned.md"), "CA-OWNED Run the echo.\n");
        Message escalated = await().atMost(Duration.ofSeconds(90)).until(() -> escalationOf("owned-by-beta"), message -> message != null);
        JsonNode request = JSON.readTree(((TextMessage) escalated).getText());
        String requestId = request.path("requestId").asText();
        String sessionId = request.path("sessionId").asText();
        assertThat(request.path("node").asText()).isEqualTo("beta");
        assertThat(escalated.getStringProperty("OpenCodeNodeId")).isEqualTo("beta");
        try (OpenCodeClient betaClient = client(betaServer); OpenCodeClient alphaClient = openCode.newClient()) {
            assertThat(betaClient.permissions()).extracting(PermissionRequest::id).contains(requestId);
            assertThat(alphaClient.permissions()).extracting(PermissionRequest::id).as("not on alpha's server").doesNotContain(requestId);

            send("{\"requestId\": \"" + requestId + "\", \"reply\": \"once\"}");
            // alpha read it (beta's route is stopped) and sent it back addressed to beta; nothing was applied yet
            await().atMost(Duration.ofSeconds(30)).until(() -> browse("OpenCodeApprovalOwner = 'beta'").size() == 1);
            Message forwarded = browse("OpenCodeApprovalOwner = 'beta'").get(0);
            assertThat(((TextMessage) forwarded).getText()).contains(requestId);
            assertThat(forwarded.getJMSExpiration()).as("lives as long as the request").isPositive()
                    .isLessThanOrEqualTo(Instant.now().plusSeconds(81).toEpochMilli());
            assertThat(betaClient.permissions()).extracting(PermissionRequest::id).as("still waiting for beta").contains(requestId);
            assertThat(Files.exists(work.resolve("beta").resolve("outbox").resolve("owned.result.json"))).isFalse();

            beta.getCamelContext().getRouteController().startRoute("approvals");
            Path result = work.resolve("beta").resolve("outbox").resolve("owned.result.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
            JsonNode record = JSON.readTree(result.toFile());
            assertThat(record.get("status").asText()).isEqualTo("completed");
            assertThat(record.get("text").asText()).isEqualTo("applied on beta's server");
            assertThat(record.get("sessionId").asText()).as("the same session went on").isEqualTo(sessionId);
            assertThat(betaClient.permissions()).extracting(PermissionRequest::id).doesNotContain(requestId);
            assertThat(browse("OpenCodeApprovalOwner IS NOT NULL")).as("the forwarded approval was consumed").isEmpty();
            assertThat(work.resolve("alpha").resolve("outbox").resolve("owned.result.json")).doesNotExist();
        }

        // the same approval again: its task ended, nobody owns the session any more
        Message rejected = sendAndAwaitRejection("{\"requestId\": \"" + requestId + "\", \"reply\": \"once\"}", requestId);
        assertThat(rejected.getStringProperty("OpenCodeApprovalError")).contains("not pending any more", sessionId, "ended (completed)",
                "nobody owns the session any more");
    }

    @Test
    void anApprovalForASessionWhoseRunnersLeaseExpiredIsRejectedWithTheReason() throws Exception {
        DispatchLedger ledger = alpha.getCamelContext().getComponent("opencode", OpenCodeComponent.class).getLedger();
        // a runner "ghost" escalated per_ghost in its running task, then stopped renewing its lease
        ClusterNode ghost = new ClusterNode("ghost", Duration.ofMillis(50), null, true);
        long entry = ledger.begin("ghost-key", "ghost-task", null, null, 1, SharedOpenCode.MODEL);
        ledger.attachSession(entry, "instance-9", "ses_ghost");
        ledger.claims().claim("ghost-key", ghost, "ghost-task", null, null);
        ledger.escalations().record("per_ghost", "ses_ghost", "ghost", Instant.now().plusSeconds(60));
        await().atMost(Duration.ofSeconds(5)).until(() -> ledger.claims().find("ghost-key").map(claim -> !claim.live()).orElse(false));

        Message rejected = sendAndAwaitRejection("{\"requestId\": \"per_ghost\", \"reply\": \"once\"}", "per_ghost");
        assertThat(rejected.getStringProperty("OpenCodeApprovalError")).contains("nobody owns session ses_ghost any more",
                "the lease of node ghost on task ghost-task (key ghost-key) expired");
    }

    private Message sendAndAwaitRejection(String approval, String requestId) throws JMSException {
        try (MessageConsumer rejections = session.createConsumer(session.createQueue("opencode.approvals.rejected"),
                "OpenCodeApprovalError IS NOT NULL")) {
            send(approval);
            Message rejected = rejections.receive(Duration.ofSeconds(30).toMillis());
            assertThat(rejected).as("rejected within 30 s").isNotNull();
            assertThat(((TextMessage) rejected).getText()).contains(requestId);
            assertThat(rejected.getStringProperty("OpenCodeApprovalOwner")).as("not addressed to anybody").isNull();
            return rejected;
        }
    }

    private Message escalationOf(String command) throws JMSException {
        for (Message message : escalations) {
            if (((TextMessage) message).getText().contains(command)) {
                return message;
            }
        }
        return null;
    }

    private void send(String approval) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(REPLIES))) {
            producer.send(session.createTextMessage(approval));
        }
    }

    private List<Message> browse(String selector) throws JMSException {
        try (QueueBrowser browser = session.createBrowser(session.createQueue(REPLIES), selector)) {
            List<Message> messages = new ArrayList<>();
            Collections.list(browser.getEnumeration()).forEach(message -> messages.add((Message) message));
            return messages;
        }
    }

    private static OpenCodeClient client(ManagedOpenCodeServer server) {
        return new OpenCodeClient(ServerEndpoint.of(server.baseUri().toString(), server.username(), server.password()),
                ClientOptions.defaults());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
