package org.camelopencode.component;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.camelopencode.cli.CliDispatcher;
import org.camelopencode.cli.CliOptions;
import org.camelopencode.cli.CliTaskOptions;
import org.camelopencode.cli.SkillFolders;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.server.OpenCodeBinary;

/**
 * The producer's side of the {@code transport=cli} dispatch and of {@code skills}: which transport a message takes,
 * the endpoint's {@link CliDispatcher} (made on first use, closed with the producer), the per-message CLI settings
 * (files, session) and the skill links. Thread-safe.
 *
 * <p>Skills and the server transport: OpenCode 1.18.33's server reads a project's skills once, at its first prompt, so
 * skills linked for a later dispatch are not seen by a running server (they are linked anyway, and a WARN says so).
 */
final class CliTransport implements AutoCloseable {

    /** Transport option value of the CLI transport. */
    static final String CLI = "cli";
    /** Transport option value of the server transport (the default). */
    static final String SERVER = "server";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CliTransport.class);

    private final OpenCodeEndpoint endpoint;
    private CliDispatcher dispatcher;

    /** @param endpoint the producer's endpoint */
    CliTransport(OpenCodeEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * @param exchange the exchange
     * @param configuration the endpoint's options
     * @return whether the {@code CamelOpenCodeTransport} header, else the option, says {@code cli}
     * @throws OpenCodeFailureException {@code invalid_task} for a value other than server or cli
     */
    static boolean selected(Exchange exchange, OpenCodeConfiguration configuration) {
        String transport = exchange.getMessage().getHeader(OpenCodeConstants.TRANSPORT, configuration.getTransport(), String.class);
        String value = transport == null || transport.isBlank() ? SERVER : transport.strip();
        if (!CLI.equals(value) && !SERVER.equals(value)) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "transport must be server or cli, was '" + value + "'");
        }
        return CLI.equals(value);
    }

    /**
     * @param configuration the endpoint's options
     * @param cliConfiguration the endpoint's CLI transport options
     * @return whether the endpoint needs its server even when every message takes the CLI transport
     */
    static boolean needsServer(OpenCodeConfiguration configuration, CliConfiguration cliConfiguration) {
        return !CLI.equals(configuration.getTransport()) || cliConfiguration.isCliAttach();
    }

    /**
     * @param exchange the exchange: files and session headers
     * @param request the attempt
     * @param listener the attempt's listener; the CLI transport reports no {@code sessionCreated} (its sessions are
     *     not re-attached after a crash), the caller tells it the end
     * @return the attempt's outcome, as {@link CliDispatcher#dispatch}
     */
    CompletableFuture<DispatchResult> dispatch(Exchange exchange, DispatchRequest request, AttemptListener listener) {
        Message message = exchange.getMessage();
        CliConfiguration configuration = endpoint.getCliConfiguration();
        List<Path> files = paths(message.getHeader(OpenCodeConstants.FILES, configuration.getFiles(), String.class));
        CliTaskOptions task = new CliTaskOptions(files,
                message.getHeader(OpenCodeConstants.CLI_CONTINUE, configuration.isCliContinue(), Boolean.class),
                message.getHeader(OpenCodeConstants.CLI_SESSION, configuration.getCliSession(), String.class));
        return dispatcher().dispatch(request, task);
    }

    /**
     * Links the message's skill folders ({@code CamelOpenCodeSkills} header, else the {@code skills} option) into the
     * project directory of its transport: the CLI's directory, or the server's (the managed server's project, or
     * {@code cliDirectory} for an external server).
     *
     * @param exchange the exchange
     * @param cli whether the message takes the CLI transport
     * @return the links, to close after the dispatch (nothing linked when no skills are named)
     * @throws OpenCodeFailureException {@code invalid_task} when a folder is not a skill folder, or the external
     *     server's project directory is unknown
     */
    SkillFolders linkSkills(Exchange exchange, boolean cli) {
        OpenCodeConfiguration configuration = endpoint.getConfiguration();
        List<Path> skills = paths(exchange.getMessage().getHeader(OpenCodeConstants.SKILLS, configuration.getSkills(), String.class));
        if (skills.isEmpty()) {
            return SkillFolders.link(Path.of("."), List.of());
        }
        Path directory = cli ? cliDirectory() : serverDirectory();
        if (!cli) {
            // verified on 1.18.33: a running server reads its project's skills once, at its first prompt
            LOG.warn("skills for a server-transport dispatch are linked into {}, but a running OpenCode server only sees skills"
                    + " that were there at its first prompt; use transport=cli for per-dispatch skills", directory);
        }
        try {
            return SkillFolders.link(directory, skills);
        } catch (IllegalArgumentException | java.io.UncheckedIOException invalid) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, invalid.getMessage());
        }
    }

    /** The server's project directory: the managed one (fleet), else cliDirectory for an external server. */
    private Path serverDirectory() {
        CliConfiguration configuration = endpoint.getCliConfiguration();
        return endpoint.servers().projectDirectory().orElseGet(() -> {
            if (configuration.getCliDirectory() != null && !configuration.getCliDirectory().isBlank()) {
                return Path.of(configuration.getCliDirectory().strip());
            }
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "skills with an external server need its project"
                    + " directory: set the cliDirectory option");
        });
    }

    /**
     * The CLI's project directory: cliDirectory, else the managedProjectDirectory option, else (cliAttach) the attached
     * server's project directory when known, else the working directory.
     */
    private Path cliDirectory() {
        CliConfiguration configuration = endpoint.getCliConfiguration();
        if (configuration.getCliDirectory() != null && !configuration.getCliDirectory().isBlank()) {
            return Path.of(configuration.getCliDirectory().strip()).toAbsolutePath();
        }
        Path managed = endpoint.getComponent().getFleetConfiguration().projectDirectory();
        if (managed != null) {
            return managed;
        }
        if (configuration.isCliAttach()) {
            return endpoint.servers().projectDirectory().orElseGet(() -> Path.of("").toAbsolutePath());
        }
        return Path.of("").toAbsolutePath();
    }

    private synchronized CliDispatcher dispatcher() {
        if (dispatcher == null) {
            CliConfiguration configuration = endpoint.getCliConfiguration();
            CliOptions options = CliOptions.of(OpenCodeBinary.locate(endpoint.getComponent().getFleetConfiguration().getBinary()),
                            cliDirectory())
                    .withConfigJson(configuration.getCliConfig())
                    .withMaxConcurrentRuns(configuration.getCliConcurrency())
                    .withAttach(configuration.isCliAttach() ? endpoint.servers().primaryConnection().client().endpoint() : null);
            if (configuration.getCliStateDirectory() != null && !configuration.getCliStateDirectory().isBlank()) {
                options = options.withStateDirectory(Path.of(configuration.getCliStateDirectory().strip()));
            }
            dispatcher = new CliDispatcher(options);
        }
        return dispatcher;
    }

    private static List<Path> paths(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(path -> !path.isEmpty()).map(Path::of).toList();
    }

    /** Stops the CLI runs still going (they fail as timeout) and the dispatcher's threads. */
    @Override
    public synchronized void close() {
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
    }
}
