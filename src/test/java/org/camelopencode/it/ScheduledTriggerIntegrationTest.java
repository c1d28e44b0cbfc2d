package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.Main;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * The shipped schedule ({@code routes/scheduled.yaml}) on two runners sharing one cluster folder,
 * against the real server and the scripted model: the cron trigger dispatches, only the runner
 * holding the lock fires, and the other takes over when it stops; a disabled schedule has no route and no Quartz job.
 */
class ScheduledTriggerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Main first;
    private Main second;

    @AfterEach
    void stop() {
        for (Main runner : new Main[] {first, second}) {
            if (runner != null) {
                runner.stop();
            }
        }
    }

    private static Main start(Path work, Path cluster) throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        Main runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.schedule.enabled", "true");
        runner.addOverrideProperty("opencode.schedule.cron", "0/2 * * * * ?");
        runner.addOverrideProperty("opencode.schedule.name", "nightly");
        runner.addOverrideProperty("opencode.schedule.prompt", "S-CRON Check the build.");
        runner.addOverrideProperty("opencode.cluster.dir", cluster.toString());
        runner.addOverrideProperty("opencode.cluster.lock-interval-ms", "500");
        // Two runners in one JVM: distinct names keep their Quartz schedulers apart (one per JVM and name).
        runner.addOverrideProperty("camel.main.name", "runner-" + work.getFileName());
        runner.start();
        return runner;
    }

    private static List<Path> results(Path work) throws IOException {
        Path outbox = work.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(file -> file.getFileName().toString().startsWith("nightly-")).toList();
        }
    }

    @Test
    void cronFiresOnOneRunnerOnlyAndTheOtherTakesOverWhenItStops() throws Exception {
        SharedOpenCode.get().model().when(RequestMatcher.promptContains("S-CRON")).reply(Reply.text("build is green"));
        Path cluster = Files.createTempDirectory("cluster-");
        Path firstWork = Files.createTempDirectory("scheduled-a-");
        Path secondWork = Files.createTempDirectory("scheduled-b-");
        first = start(firstWork, cluster);
        second = start(secondWork, cluster);

        await().atMost(Duration.ofSeconds(60)).until(() -> results(firstWork).size() + results(secondWork).size() >= 3);
        boolean firstLeads = !results(firstWork).isEmpty();
        Path leaderWork = firstLeads ? firstWork : secondWork;
        Path followerWork = firstLeads ? secondWork : firstWork;
        assertThat(results(followerWork)).as("the runner without the lock never fires").isEmpty();
        Path result = results(leaderWork).get(0);
        assertThat(JSON.readTree(result.toFile()).get("text").asText()).isEqualTo("build is green");
        assertThat(JSON.readTree(result.toFile()).get("task").asText()).matches("nightly-\\d{8}-\\d{6}");

        if (firstLeads) {
            first.stop();
            first = null;
        } else {
            second.stop();
            second = null;
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !results(followerWork).isEmpty());
    }

    @Test
    void aDisabledScheduleHasNoRouteAndRegistersNoQuartzJob() throws Exception {
        Path work = Files.createTempDirectory("scheduled-off-");
        first = SharedOpenCode.get().newRunner(work);
        first.addOverrideProperty("opencode.schedule.enabled", "false");
        first.addOverrideProperty("opencode.cluster.dir", work.resolve("cluster").toString());
        first.start();
        CamelContext context = first.getCamelContext();

        assertThat(context.getRoute("file-drop")).as("the runner is up").isNotNull();
        assertThat(context.getRoute("scheduled-fire")).isNull();
        QuartzComponent quartz = (QuartzComponent) context.hasComponent("quartz");
        assertThat(quartz).as("no quartz: endpoint, so no Quartz scheduler and no job").isNull();
        assertThat(context.hasComponent("master")).isNull();
    }

    @Test
    void anEnabledScheduleRegistersItsQuartzJob() throws Exception {
        Path work = Files.createTempDirectory("scheduled-on-");
        first = SharedOpenCode.get().newRunner(work);
        first.addOverrideProperty("opencode.schedule.enabled", "true");
        first.addOverrideProperty("opencode.schedule.cron", "0 0 6 * * ?");
        first.addOverrideProperty("opencode.cluster.dir", work.resolve("cluster").toString());
        first.addOverrideProperty("opencode.cluster.lock-interval-ms", "500");
        first.addOverrideProperty("camel.main.name", "runner-" + work.getFileName());
        first.start();
        CamelContext context = first.getCamelContext();

        assertThat(context.getRoute("scheduled-fire")).isNotNull();
        // The only runner of its cluster folder takes the lock, and the master: endpoint starts the quartz consumer.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            QuartzComponent quartz = (QuartzComponent) context.hasComponent("quartz");
            assertThat(quartz).isNotNull();
            assertThat(quartz.getScheduler().getJobKeys(GroupMatcher.anyGroup()))
                    .extracting(JobKey::getName).containsExactly("scheduled");
        });
    }
}
