package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.main.Main;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two runners in this JVM on ONE inbox folder ({@code opencode.inbox.shared=true}, one shared H2 ledger, one real
 * {@code opencode serve}), 100 files: every file is run by exactly one runner (one result record across both outboxes,
 * one prompt), archived once, nothing is dead-lettered, and each runner ran some of them (a shared inbox polls at most
 * as many files as it runs at once, so one runner cannot lock the whole inbox in one poll).
 */
class SharedInboxTwoRunnersIntegrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(SharedInboxTwoRunnersIntegrationTest.class);
    private static final int FILES = 100;

    private final List<Main> runners = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Main runner : runners) {
            runner.stop();
        }
    }

    private static Main start(Path work, Path inbox, Path ledger, String nodeId) throws Exception {
        Main runner = SharedOpenCode.get().newRunner(work);
        runner.addOverrideProperty("opencode.inbox", inbox.toString());
        runner.addOverrideProperty("opencode.inbox.shared", "true");
        runner.addOverrideProperty("opencode.timeout", "PT60S");
        runner.addOverrideProperty("opencode.ledger.url", "jdbc:h2:file:" + ledger.toAbsolutePath() + ";AUTO_SERVER=FALSE");
        runner.addOverrideProperty("opencode.cluster.enabled", "true");
        runner.addOverrideProperty("opencode.cluster.node-id", nodeId);
        runner.addOverrideProperty("opencode.cluster.lease", "PT5S");
        runner.addOverrideProperty("camel.main.shutdownTimeout", "2");
        runner.start();
        return runner;
    }

    private static long count(Path folder, String suffix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void eachFileOfOneInboxIsRunByExactlyOneOfTwoRunnersAndArchivedOnce() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("S-INBOX")).reply(Reply.text("shared inbox done"));
        Path work = Files.createTempDirectory("shared-inbox-it-");
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        runners.add(start(work.resolve("one"), inbox, work.resolve("ledger"), "one"));
        runners.add(start(work.resolve("two"), inbox, work.resolve("ledger"), "two"));

        for (int index = 0; index < FILES; index++) {
            Files.writeString(inbox.resolve("task-" + index + ".md"), "S-INBOX file " + index + ": say done.\n");
        }
        Path outOne = work.resolve("one").resolve("outbox");
        Path outTwo = work.resolve("two").resolve("outbox");
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250)).until(() -> count(outOne, ".result.json") + count(outTwo, ".result.json") >= FILES
                && count(inbox.resolve(".done"), ".md") >= FILES);

        List<String> results = new ArrayList<>();
        for (Path outbox : List.of(outOne, outTwo)) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    files.map(file -> file.getFileName().toString()).forEach(results::add);
                }
            }
        }
        assertThat(results).as("one result per file, across both runners").hasSize(FILES).doesNotHaveDuplicates();
        assertThat(count(inbox.resolve(".done"), ".md")).as("archived once").isEqualTo(FILES);
        assertThat(count(inbox, ".md")).as("nothing left in the inbox").isZero();
        assertThat(count(work.resolve("one").resolve("dead-letter"), "") + count(work.resolve("two").resolve("dead-letter"), ""))
                .as("nothing dead-lettered").isZero();
        for (int index = 0; index < FILES; index++) {
            String marker = "S-INBOX file " + index + ":";
            assertThat(openCode.model().requests().stream().filter(request -> request.messagesJson().contains(marker)).count())
                    .as("one prompt for file %d", index).isEqualTo(1);
        }
        long byOne = count(outOne, ".result.json");
        long byTwo = count(outTwo, ".result.json");
        LOG.info("Shared inbox split: runner one {} files, runner two {} files", byOne, byTwo);
        assertThat(byOne).as("runner one did some of the work (split %d/%d)", byOne, byTwo).isPositive();
        assertThat(byTwo).as("runner two did some of the work (split %d/%d)", byOne, byTwo).isPositive();
    }
}
