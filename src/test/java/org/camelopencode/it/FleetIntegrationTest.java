package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.server.InstanceState;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three managed {@code opencode serve} instances (its own fleet, not {@link SharedOpenCode}'s server) share a batch of
 * nine tasks dispatched through Camel with a plain {@code onException} retry of {@code provider_unavailable}. One server
 * is killed with SIGKILL while it runs a task whose model call hangs: that attempt fails at once as
 * {@code provider_unavailable}, the retry lands on another server and completes, every task ends exactly once, the
 * killed instance comes back with a new PID and the fleet status shows one restart. Stopping Camel leaves none of the
 * fleet's processes running.
 */
class FleetIntegrationTest {

    private static final String MODEL = "scripted/echo";
    private static final int REGULAR_TASKS = 8;

    @TempDir
    Path temporary;

    private ScriptedModelServer model;
    private CamelContext camel;

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void threeInstancesShareABatchAndAKilledServerLosesNoTask() throws Exception {
        model = ScriptedModelServer.start();
        model.when(RequestMatcher.promptContains("F-SLOW")).reply(Reply.hang(), Reply.text("slow task done"));
        model.when(RequestMatcher.promptContains("F-TASK")).reply(Reply.slow(Reply.text("task done"), Duration.ofMillis(100)));
        OpenCodeComponent component = new OpenCodeComponent();
        component.getFleetConfiguration().setBinary(OpenCodeBinary.locate(System.getProperty(OpenCodeBinary.PROPERTY)).toString());
        component.getFleetConfiguration().setManagedInstances(3);
        component.getFleetConfiguration().setManagedStateDirectory(temporary.resolve("fleet").toString());
        component.getFleetConfiguration().setManagedConfig(new OpenCodeConfig().scriptedProvider("scripted", model.baseUri(), "echo")
                .model(MODEL).smallModel(MODEL).toJson());
        component.getFleetConfiguration().setManagedStartTimeout(java.time.Duration.parse("PT90S"));
        component.getConfiguration().setModel(MODEL);
        component.getConfiguration().setTimeout(java.time.Duration.parse("PT60S"));
        Map<String, Long> lostAt = new ConcurrentHashMap<>();
        camel = new DefaultCamelContext();
        camel.addComponent("opencode", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(OpenCodeFailureException.class)
                        .onWhen(header(OpenCodeConstants.FAILURE_KIND).isEqualTo("provider_unavailable"))
                        .maximumRedeliveries(3).redeliveryDelay(500)
                        .onRedelivery(exchange -> lostAt.putIfAbsent(exchange.getMessage().getBody(String.class), System.nanoTime()));
                from("direct:task").to("opencode:dispatch");
                from("direct:fleet").to("opencode:fleet");
            }
        });
        long startNanos = System.nanoTime();
        camel.start(); // the producer starts the fleet: three servers in parallel
        ProducerTemplate template = camel.createProducerTemplate();
        List<InstanceReport> initial = status(template);
        assertThat(initial).hasSize(3).allSatisfy(report -> {
            assertThat(report.state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(report.pid()).isPositive();
            assertThat(report.version()).isNotBlank();
            assertThat(report.url()).startsWith("http://127.0.0.1:").doesNotContain("@");
        });
        System.out.printf("fleet of 3 started in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        Set<Long> fleetProcesses = new HashSet<>();
        initial.forEach(report -> fleetProcesses.addAll(processTree(report.pid())));

        String slowTask = "F-SLOW: wait for the model";
        CompletableFuture<Exchange> slow = template.asyncSend("direct:task", exchange -> exchange.getMessage().setBody(slowTask));
        await().atMost(Duration.ofSeconds(30)).until(() -> model.requests().stream()
                .anyMatch(request -> request.latestUserText().contains("F-SLOW")));
        InstanceReport victim = status(template).stream().filter(report -> report.busySessions() == 1).findFirst().orElseThrow();
        List<CompletableFuture<Exchange>> regular = new ArrayList<>();
        for (int task = 1; task <= REGULAR_TASKS; task++) {
            String body = "F-TASK " + task;
            regular.add(template.asyncSend("direct:task", exchange -> exchange.getMessage().setBody(body)));
        }

        long killedAt = System.nanoTime();
        assertThat(ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL

        Exchange slowOutcome = slow.get(60, TimeUnit.SECONDS);
        assertThat(slowOutcome.getException()).isNull();
        assertThat(slowOutcome.getMessage().getBody(DispatchResult.class).text()).isEqualTo("slow task done");
        List<AttemptRecord> attempts = AttemptHistory.of(slowOutcome);
        assertThat(attempts).hasSizeGreaterThanOrEqualTo(2);
        assertThat(attempts.get(0).outcome()).isEqualTo("provider_unavailable");
        assertThat(attempts.get(0).error()).contains("the OpenCode server " + victim.name() + " was lost").contains("exited with code 137");
        assertThat(attempts.get(attempts.size() - 1).outcome()).isEqualTo("completed");
        // The loss is seen through the process exit, long before the 30 s server-lost timeout.
        assertThat(Duration.ofNanos(lostAt.get(slowTask) - killedAt)).isLessThan(Duration.ofSeconds(10));

        Set<String> completed = new HashSet<>();
        for (CompletableFuture<Exchange> future : regular) {
            Exchange outcome = future.get(60, TimeUnit.SECONDS);
            assertThat(outcome.getException()).isNull();
            assertThat(outcome.getMessage().getBody(DispatchResult.class).text()).isEqualTo("task done");
            assertThat(completed.add(outcome.getIn().getBody() instanceof DispatchResult result ? result.sessionId() : null)).isTrue();
        }
        assertThat(completed).hasSize(REGULAR_TASKS).doesNotContainNull();

        AtomicLong newPid = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            InstanceReport back = report(status(template), victim.name());
            assertThat(back.state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(back.pid()).isPositive().isNotEqualTo(victim.pid());
            assertThat(back.restarts()).isEqualTo(1);
            assertThat(back.lastProblem()).contains("exited with code 137");
            newPid.set(back.pid());
        });
        List<InstanceReport> last = status(template);
        assertThat(last).allSatisfy(report -> assertThat(report.sessionsServed()).as(report.name() + " served").isPositive());
        assertThat(last.stream().filter(report -> !report.name().equals(victim.name()))).allSatisfy(report -> {
            assertThat(report.restarts()).isZero();
            assertThat(report.pid()).isEqualTo(report(initial, report.name()).pid());
        });
        assertThat(last.stream().mapToLong(InstanceReport::sessionsServed).sum()).isGreaterThanOrEqualTo(REGULAR_TASKS + 2);
        assertThat(Files.readString(temporary.resolve("fleet/" + victim.name() + "/opencode-server.pid")).strip())
                .isEqualTo(Long.toString(newPid.get()));
        last.forEach(report -> fleetProcesses.addAll(processTree(report.pid())));

        camel.close();
        camel = null;

        assertThat(fleetProcesses.stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream))
                .as("processes of the fleet still running after stop").noneMatch(ProcessHandle::isAlive);
        try (Stream<Path> instances = Files.list(temporary.resolve("fleet"))) {
            assertThat(instances.map(folder -> folder.resolve("opencode-server.pid"))).noneMatch(Files::exists);
        }
    }

    private static List<InstanceReport> status(ProducerTemplate template) {
        @SuppressWarnings("unchecked")
        List<InstanceReport> reports = template.requestBody("direct:fleet", null, List.class);
        return reports;
    }

    private static InstanceReport report(List<InstanceReport> reports, String name) {
        return reports.stream().filter(report -> report.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Long> processTree(long pid) {
        return ProcessHandle.of(pid).map(root -> Stream.concat(Stream.of(root), root.descendants()).map(ProcessHandle::pid).toList())
                .orElse(List.of());
    }
}
