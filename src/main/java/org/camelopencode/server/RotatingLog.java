package org.camelopencode.server;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A line log with a size cap: when the next line would take the file over the cap, the file is renamed to
 * {@code <name>.1} (replacing the previous one) and a new file is started. At most about twice the cap is kept.
 * Not thread-safe: one writer thread.
 */
final class RotatingLog implements Closeable {

    /** Suffix of the one kept previous file. */
    static final String ROTATED_SUFFIX = ".1";

    private final Path file;
    private final long limitBytes;
    private OutputStream output;
    private long size;

    /**
     * @param file       the log file (appended to when it exists)
     * @param limitBytes the cap in bytes; 0 or less = no cap
     * @throws IOException when the file cannot be opened
     */
    RotatingLog(Path file, long limitBytes) throws IOException {
        this.file = file;
        this.limitBytes = limitBytes;
        open();
    }

    /**
     * Writes one line and flushes it (the log is read while the server runs).
     *
     * @param line the line without terminator
     * @throws IOException when writing or rotating fails
     */
    void writeLine(String line) throws IOException {
        byte[] bytes = (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        if (limitBytes > 0 && size > 0 && size + bytes.length > limitBytes) {
            rotate();
        }
        output.write(bytes);
        output.flush();
        size += bytes.length;
    }

    private void rotate() throws IOException {
        output.close();
        Files.move(file, file.resolveSibling(file.getFileName() + ROTATED_SUFFIX), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private void open() throws IOException {
        output = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        size = Files.size(file);
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
