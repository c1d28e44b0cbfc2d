package org.camelopencode.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.server.OpenCodeEnvironment;

/**
 * The command line, environment and standard input of one {@code opencode run --format json}
 * (flags verified on OpenCode 1.18.33: {@code --format json}, {@code --dir}, {@code -m}, {@code --agent},
 * {@code --title}, {@code --file}, {@code --continue}, {@code --session}, {@code --attach}; 1.1.65 has all but
 * {@code --dir}, which goes on the command line only with {@code --attach}).
 *
 * <p>The prompt goes on standard input, not the command line: the CLI reads a piped standard input as the message
 * (it wraps a message argument holding a space in double quotes, and the command line is visible to every user of
 * the machine). Secrets never go on the command line: the attach password is {@code OPENCODE_SERVER_PASSWORD}.
 * Stateless.
 */
public final class CliCommand {

    private CliCommand() {
    }

    /**
     * @param options the transport's settings
     * @param request the attempt: model, agent, session title
     * @param task files and the session to go on in
     * @param followUpSession the session of a stricter JSON follow-up ({@code --session}, no title or files), or null
     *     for the attempt's first run
     * @return the command, starting with the binary
     */
    public static List<String> arguments(CliOptions options, DispatchRequest request, CliTaskOptions task, String followUpSession) {
        List<String> command = new ArrayList<>(List.of(options.binary().toString(), "run", "--format", "json"));
        if (request.model() != null) {
            command.addAll(List.of("-m", request.model()));
        }
        if (request.agent() != null && !request.agent().isBlank()) {
            command.addAll(List.of("--agent", request.agent()));
        }
        if (followUpSession != null) {
            command.addAll(List.of("--session", followUpSession));
        } else {
            command.addAll(List.of("--title", request.sessionTitle()));
            for (Path file : task.files()) {
                command.addAll(List.of("--file", options.workingDirectory().resolve(file).toString()));
            }
            if (task.sessionId() != null) {
                command.addAll(List.of("--session", task.sessionId()));
            } else if (task.continueLastSession()) {
                command.add("--continue");
            }
        }
        if (options.attach() != null) {
            // --dir names the project path on the attached server. A local run needs none: it runs in the process's
            // working directory and PWD (prepareEnvironment); OpenCode 1.1.65 has no --dir and exits 1 with its usage.
            command.addAll(List.of("--attach", options.attach().baseUri().toString(), "--dir", options.workingDirectory().toString()));
        }
        return command;
    }

    /**
     * Prepares the environment like the managed server's ({@link OpenCodeEnvironment}): every inherited
     * {@code OPENCODE_*} variable is removed but {@code OPENCODE_API_KEY}; auto-update, model list fetches, sharing and
     * LSP downloads are off.
     *
     * @param environment the process builder's environment, changed in place
     * @param options the transport's settings: config content, private state folder, attach credentials
     */
    public static void prepareEnvironment(Map<String, String> environment, CliOptions options) {
        OpenCodeEnvironment.isolate(environment);
        // without --dir opencode takes its directory from an inherited PWD rather than the working directory
        environment.put("PWD", options.workingDirectory().toString());
        if (options.configJson() != null) {
            environment.put("OPENCODE_CONFIG_CONTENT", options.configJson());
        }
        if (options.stateDirectory() != null) {
            OpenCodeEnvironment.privateHome(options.stateDirectory().toAbsolutePath())
                    .forEach((name, folder) -> environment.put(name, folder.toString()));
        }
        if (options.attach() != null && options.attach().hasPassword()) {
            environment.put("OPENCODE_SERVER_USERNAME", options.attach().username());
            environment.put("OPENCODE_SERVER_PASSWORD", options.attach().password());
        }
    }

    /**
     * The message written to standard input: the request's system prompt (the CLI has no flag for one) as a first
     * paragraph, the prompt, and with a schema an instruction naming it (the CLI cannot send a {@code json_schema}
     * format, so the reply's text is checked against the schema instead of a structured output).
     *
     * @param request the attempt
     * @return the message text
     */
    public static String prompt(DispatchRequest request) {
        StringBuilder text = new StringBuilder();
        if (request.system() != null && !request.system().isBlank()) {
            text.append(request.system().strip()).append("\n\n");
        }
        text.append(request.prompt());
        if (request.schema() != null) {
            text.append("\n\nReply with only a JSON value that matches this JSON Schema:\n").append(request.schema());
        }
        return text.toString();
    }
}
