package org.camelopencode.workspace;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code git} command line: one process per call, no shell, in a given directory ({@code git -C <dir>}),
 * with a deadline. The environment is the runner's, minus the variables that would point git at another repository
 * ({@code GIT_DIR}, {@code GIT_WORK_TREE}, {@code GIT_INDEX_FILE}, ...), with {@code GIT_TERMINAL_PROMPT=0} (never
 * waits for a password) and {@code LC_ALL=C} (git's messages in English, as the errors quote them). Output goes to
 * temporary files, so a large diff can never block the process on a full pipe.
 */
public final class Git {

    /** The deadline of one git command unless the caller gives another. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private static final List<String> REPOSITORY_VARIABLES = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES");
    private static final int STDERR_LINES = 5;

    private final String executable;
    private final Duration timeout;

    /** git from the {@code PATH}, {@link #DEFAULT_TIMEOUT} per command. */
    public Git() {
        this("git", DEFAULT_TIMEOUT);
    }

    /**
     * @param executable the git executable, a name on the {@code PATH} or a path
     * @param timeout the deadline of each command, positive
     * @throws IllegalArgumentException when the timeout is not positive
     */
    public Git(String executable, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("git timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * Runs {@code git -C <directory> <arguments...>} and returns its standard output as UTF-8 text.
     *
     * @param directory where git runs
     * @param arguments git's arguments, for example {@code "rev-parse", "HEAD"}
     * @return the standard output, unchanged (trailing newline included)
     * @throws GitException when git exits non-zero (message with its stderr), passes the deadline (killed), or
     *     cannot start (git not installed)
     */
    public String run(Path directory, String... arguments) {
        return new String(runBytes(directory, arguments), StandardCharsets.UTF_8);
    }

    /**
     * As {@link #run}, for output that is not text (a binary patch).
     *
     * @param directory where git runs
     * @param arguments git's arguments
     * @return the standard output's bytes
     * @throws GitException as {@link #run}
     */
    public byte[] runBytes(Path directory, String... arguments) {
        Result result = attempt(directory, arguments);
        if (result.exitCode() != 0) {
            throw new GitException(describe(arguments) + " failed (exit " + result.exitCode() + ") in " + directory + ": "
                    + firstLines(result.stderr()));
        }
        return result.stdout();
    }

    /**
     * Runs a git command whose non-zero exit is an answer, not an error ({@code rev-parse --verify --quiet},
     * {@code merge-base --is-ancestor}).
     *
     * @param directory where git runs
     * @param arguments git's arguments
     * @return whether git exited with 0
     * @throws GitException when git passes the deadline or cannot start
     */
    public boolean succeeds(Path directory, String... arguments) {
        return attempt(directory, arguments).exitCode() == 0;
    }

    private Result attempt(Path directory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.add("-C");
        command.add(directory.toString());
        command.addAll(List.of(arguments));
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("git-out", ".txt");
            stderr = Files.createTempFile("git-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> environment = builder.environment();
            REPOSITORY_VARIABLES.forEach(environment::remove);
            environment.put("GIT_TERMINAL_PROMPT", "0");
            environment.put("LC_ALL", "C");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GitException(describe(arguments) + " did not finish within " + timeout + " in " + directory + "; killed");
            }
            return new Result(process.exitValue(), Files.readAllBytes(stdout), Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException failure) {
            throw new GitException("cannot run " + describe(arguments) + " in " + directory + " (is git installed?): " + failure.getMessage(),
                    failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new GitException(describe(arguments) + " was interrupted in " + directory, interrupted);
        } finally {
            delete(stdout);
            delete(stderr);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file: the OS cleans its temp folder
            }
        }
    }

    /** {@code git} and its arguments; {@code -c key=value} settings are shown by key only. */
    static String describe(String... arguments) {
        StringBuilder text = new StringBuilder("git");
        for (int i = 0; i < arguments.length; i++) {
            text.append(' ');
            boolean setting = i > 0 && "-c".equals(arguments[i - 1]);
            int equals = arguments[i].indexOf('=');
            text.append(setting && equals > 0 ? arguments[i].substring(0, equals) + "=..." : arguments[i]);
        }
        return text.toString();
    }

    private static String firstLines(String stderr) {
        String[] lines = stderr.strip().split("\n");
        if (lines.length == 1 && lines[0].isEmpty()) {
            return "(no error output)";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(lines.length, STDERR_LINES); i++) {
            text.append(i == 0 ? "" : " | ").append(lines[i].strip());
        }
        return lines.length > STDERR_LINES ? text + " | ..." : text.toString();
    }

    private record Result(int exitCode, byte[] stdout, String stderr) {
    }
}
