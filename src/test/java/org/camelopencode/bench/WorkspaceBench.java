package org.camelopencode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.component.WorkspaceOutcome;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.ManagedServerOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.camelopencode.workspace.CapturedChanges;
import org.camelopencode.workspace.Git;
import org.camelopencode.workspace.Worktree;
import org.camelopencode.workspace.WorktreeChanges;
import org.camelopencode.workspace.Worktrees;

/**
 * Row 6: {@code opencode:dispatch} with {@code workspace: worktree} against {@code workspace: shared}, on one real
 * {@code opencode serve} with the instant scripted model, in one git repository of {@value #FILES} files. Every task
 * writes one file with OpenCode's {@code write} tool and answers; the two modes alternate task by task (the order
 * rotates every round), so both see the same server state. Also timed alone, without a dispatch: the worktree's own
 * cost (add on a new branch, capture the changes with {@code git add -A} + diff, remove with the branch).
 */
final class WorkspaceBench {

    static final int FILES = 1000;
    private static final String MODEL = "scripted/echo";

    /** Wall times per task in milliseconds. */
    record Result(int files, Stats shared, Stats worktree, Stats pairedRatio, Stats worktreeAlone) {
    }

    static Result run(int warmUp, int measured) throws Exception {
        Path state = Files.createTempDirectory("bench-workspace-");
        Path repository = repository(state.resolve("repo"));
        try (ScriptedModelServer model = ScriptedModelServer.start()) {
            OpenCodeConfig config = new OpenCodeConfig().scriptedProvider("scripted", model.baseUri(), "echo").model(MODEL).smallModel(MODEL);
            try (ManagedOpenCodeServer server = ManagedOpenCodeServer.start(ManagedServerOptions.builder()
                    .binary(OpenCodeBinary.locate(null)).stateDirectory(state.resolve("server"))
                    .startTimeout(Duration.ofSeconds(90)).config(config).build());
                    DefaultCamelContext camel = new DefaultCamelContext()) {
                OpenCodeComponent component = new OpenCodeComponent();
                component.getConfiguration().setServerUrl(server.baseUri().toString());
                component.getConfiguration().setUsername(server.username());
                component.getConfiguration().setPassword(server.password());
                component.getConfiguration().setModel(MODEL);
                camel.addComponent("opencode", component);
                camel.start();
                ProducerTemplate template = camel.createProducerTemplate();
                List<Double> shared = new ArrayList<>();
                List<Double> worktree = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < warmUp + measured; round++) {
                    double[] times = new double[2];
                    for (int turn = 0; turn < 2; turn++) {
                        int mode = (round + turn) % 2;
                        String marker = "BENCH-WS-" + round + "-" + mode + " ";
                        model.when(RequestMatcher.promptContains(marker)).reply(Reply.toolCall("write",
                                "{\"filePath\":\"bench-" + round + ".txt\",\"content\":\"round " + round + "\\n\"}"), Reply.text("ok"));
                        times[mode] = dispatch(template, repository, marker, mode == 0 ? "shared" : "worktree", round);
                    }
                    if (round >= warmUp) {
                        shared.add(times[0]);
                        worktree.add(times[1]);
                        ratios.add(times[1] / times[0]);
                    }
                }
                return new Result(FILES, new Stats(shared), new Stats(worktree), new Stats(ratios), worktreeAlone(repository, measured));
            }
        }
    }

    private static double dispatch(ProducerTemplate template, Path repository, String marker, String workspace, int round) {
        long start = System.nanoTime();
        Exchange exchange = template.request("opencode:dispatch", sent -> {
            sent.getMessage().setBody(DispatchRequest.of(marker + "write your file", Duration.ofSeconds(60)).withDirectory(repository));
            sent.getMessage().setHeader(OpenCodeConstants.WORKSPACE, workspace);
            sent.getMessage().setHeader(OpenCodeConstants.TASK_NAME, "bench-" + round);
        });
        double millis = (System.nanoTime() - start) / 1e6;
        if (exchange.getException() != null) {
            throw new IllegalStateException(workspace + " task " + round + " failed", exchange.getException());
        }
        WorkspaceOutcome outcome = WorkspaceOutcome.of(exchange);
        if (workspace.equals("worktree") && outcome.fileChanges().size() != 1) {
            throw new IllegalStateException("the worktree task " + round + " changed " + outcome.fileChanges() + ", not its one file");
        }
        return millis;
    }

    /** The worktree's own cost per task: add, one file written, capture, remove. */
    private static Stats worktreeAlone(Path repository, int measured) throws Exception {
        Git git = new Git();
        Worktrees worktrees = new Worktrees(git);
        WorktreeChanges changes = new WorktreeChanges(git);
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < measured; i++) {
            long start = System.nanoTime();
            Worktree worktree = worktrees.create(repository, "alone", i + 1, "HEAD");
            Files.writeString(worktree.directory().resolve("alone.txt"), "alone " + i + "\n");
            CapturedChanges captured = changes.capture(worktree);
            worktrees.remove(worktree, false);
            times.add((System.nanoTime() - start) / 1e6);
            if (captured.changes().size() != 1) {
                throw new IllegalStateException("the worktree changed " + captured.changes());
            }
        }
        return new Stats(times);
    }

    /** A repository of {@value #FILES} small source files in 20 folders, one commit. */
    private static Path repository(Path folder) throws Exception {
        for (int i = 0; i < FILES; i++) {
            Path file = folder.resolve("module-" + i % 20).resolve("File" + i + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "class File" + i + " {\n    int value() {\n        return " + i + ";\n    }\n}\n");
        }
        Git git = new Git();
        git.run(folder, "init", "--quiet", "--initial-branch=main");
        git.run(folder, "add", "-A");
        git.run(folder, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "-m", "1000 files");
        return folder.toRealPath();
    }

    private WorkspaceBench() {
    }
}
