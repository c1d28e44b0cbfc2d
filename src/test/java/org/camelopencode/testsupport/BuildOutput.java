package org.camelopencode.testsupport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Lines for the Maven build output itself, from inside a test. The build sets {@code redirectTestOutputToFile}, so
 * what a test prints through {@code System.out}/{@code System.err} (and every log line) lands in
 * {@code target/*-reports/*-output.txt}; surefire and failsafe copy what the forked JVM writes to its native standard
 * error (file descriptor 2) to the console as it comes. Use it for what a reader of the build must see: a skipped
 * check, what a user of the packaged artifact gets.
 */
public final class BuildOutput {

    private static final PrintStream CONSOLE = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
            StandardCharsets.UTF_8);

    private BuildOutput() {
    }

    /** @param message one line, shown as {@code [WARNING] message} */
    public static void warn(String message) {
        CONSOLE.println("[WARNING] " + message);
    }

    /** @param message one or more lines, each shown as {@code [INFO] line} */
    public static void info(String message) {
        for (String line : message.split("\n")) {
            CONSOLE.println("[INFO] " + line);
        }
    }
}
