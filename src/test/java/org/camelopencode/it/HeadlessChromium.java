package org.camelopencode.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.camelopencode.testsupport.BuildOutput;

/**
 * Debian's {@code chromium} in headless mode, as the status page test drives it: {@code --dump-dom} prints the page's
 * DOM after its scripts ran for {@code --virtual-time-budget} milliseconds. Installs nothing: the binary is
 * {@code chromium} on the PATH or {@code /usr/bin/chromium} (Debian: {@code apt-get install -y chromium}).
 */
final class HeadlessChromium {

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** @return the installed Chromium, or empty when there is none (then says so in the build output) */
    static Optional<HeadlessChromium> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String folder : (path + java.io.File.pathSeparator + "/usr/bin").split(java.io.File.pathSeparator)) {
            if (folder.isBlank()) {
                continue;
            }
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(folder, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate));
                }
            }
        }
        BuildOutput.warn("chromium is not installed (apt-get install -y chromium): the status page's browser checks are skipped");
        return Optional.empty();
    }

    /**
     * Loads a page and returns its DOM once its scripts had {@code budgetMillis} of (virtual) time.
     *
     * @param url the page, on 127.0.0.1
     * @param budgetMillis virtual time the page's timers and fetches get before the dump
     * @param profile an empty folder for Chromium's profile (so parallel runs do not share a lock)
     * @return the serialised DOM
     * @throws IOException when Chromium fails, prints nothing, or does not finish within 60 seconds
     * @throws InterruptedException when interrupted while waiting
     */
    String dumpDom(String url, int budgetMillis, Path profile) throws IOException, InterruptedException {
        Path output = Files.createTempFile(profile, "dom", ".html");
        Path errors = Files.createTempFile(profile, "chromium", ".log");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile.resolve("profile"),
                "--virtual-time-budget=" + budgetMillis, "--dump-dom", url)
                .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("chromium did not finish within 60 s loading " + url);
        }
        String dom = Files.readString(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || dom.isBlank()) {
            throw new IOException("chromium exited with " + process.exitValue() + " and printed " + dom.length()
                    + " characters loading " + url + "; its log: " + Files.readString(errors, StandardCharsets.UTF_8));
        }
        return dom;
    }
}
