package org.camelopencode.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Finds the {@code opencode} executable and asks its version. */
public final class OpenCodeBinary {

    /** System property (and runner property) naming the binary. */
    public static final String PROPERTY = "opencode.binary";
    /**
     * Where {@code ./mvnw -DskipTests prepare-package} (so also {@code package} and {@code ./run.sh}) installs the
     * pinned {@code opencode-ai} package, relative to the working directory.
     */
    public static final Path PROJECT_INSTALL = Path.of("opencode", "node_modules", ".bin", "opencode");

    private static final Pattern VERSION_LINE = Pattern.compile("v?\\d+\\.\\d+\\.\\d+\\S*");
    private static final String INSTALL_HINT = "Install it with './mvnw -DskipTests prepare-package' (runs 'npm install' for the pinned opencode-ai "
            + "into opencode/node_modules), or set -D" + PROPERTY + "=/path/to/opencode, or put 'opencode' on the PATH.";

    private OpenCodeBinary() {
    }

    /**
     * Locates the binary, in this order: {@code configured} when non-blank (must exist and be executable), the system
     * property {@value #PROPERTY}, {@code opencode/node_modules/.bin/opencode} under the working directory, then
     * {@code opencode} on the {@code PATH}.
     *
     * @param configured explicit path, may be null or blank
     * @return an existing executable file
     * @throws IllegalStateException when nothing is found (the message says how to install it), or when an explicitly
     *                               configured path is not an executable file
     */
    public static Path locate(String configured) {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.strip());
            if (!isExecutableFile(path)) {
                throw new IllegalStateException("the configured OpenCode binary '" + path
                        + "' does not exist or is not executable. " + INSTALL_HINT);
            }
            return path;
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank() && isExecutableFile(Path.of(property.strip()))) {
            return Path.of(property.strip());
        }
        Path projectInstall = PROJECT_INSTALL.toAbsolutePath();
        if (isExecutableFile(projectInstall)) {
            return projectInstall;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String directory : pathVariable.split(File.pathSeparator)) {
                if (!directory.isBlank()) {
                    Path candidate = Path.of(directory, "opencode");
                    if (isExecutableFile(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        throw new IllegalStateException("OpenCode binary not found (checked -D" + PROPERTY + ", " + projectInstall
                + " and 'opencode' on the PATH). " + INSTALL_HINT);
    }

    /**
     * Runs {@code <binary> --version} (at most 30 s) with the environment of {@link OpenCodeEnvironment#isolate}:
     * without it OpenCode 1.3.2 first tries to fetch its model list for about 10 s and logs the failure after the
     * version.
     *
     * @param binary the executable
     * @return the printed version, e.g. {@code 1.18.33}: the last line that looks like one, else the last line
     * @throws IllegalStateException when it fails, times out or prints nothing
     */
    public static String version(Path binary) {
        try {
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true);
            OpenCodeEnvironment.isolate(builder.environment());
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " --version did not finish within 30 s");
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            String lastLine = text.lines().reduce((first, second) -> second).orElse("").strip();
            if (process.exitValue() != 0 || lastLine.isEmpty()) {
                throw new IllegalStateException(binary + " --version failed (exit " + process.exitValue() + "): " + text);
            }
            return text.lines().map(String::strip).filter(line -> VERSION_LINE.matcher(line).matches())
                    .reduce((first, second) -> second).orElse(lastLine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary + " --version", e);
        }
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
