package org.camelopencode.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the last bytes of a stream (a run's standard error) so a long or endless output cannot fill memory.
 * Thread-safe: one thread drains, others read {@link #text()}.
 */
final class OutputTail {

    private final byte[] ring;
    private long written;

    /** @param capacity how many of the last bytes to keep, at least 1 */
    OutputTail(int capacity) {
        ring = new byte[capacity];
    }

    /**
     * Reads the stream to its end, keeping its tail.
     *
     * @param stream the stream; closed at the end
     */
    void drain(InputStream stream) {
        byte[] buffer = new byte[4096];
        try (stream) {
            int read;
            while ((read = stream.read(buffer)) >= 0) {
                append(buffer, read);
            }
        } catch (IOException closed) {
            // the process was killed: keep what was read
        }
    }

    synchronized void append(byte[] bytes, int length) {
        for (int index = 0; index < length; index++) {
            ring[(int) (written++ % ring.length)] = bytes[index];
        }
    }

    /** @return the kept tail as UTF-8 text, prefixed with {@code ...} when earlier bytes were dropped */
    synchronized String text() {
        int kept = (int) Math.min(written, ring.length);
        byte[] tail = new byte[kept];
        long start = written - kept;
        for (int index = 0; index < kept; index++) {
            tail[index] = ring[(int) ((start + index) % ring.length)];
        }
        String text = new String(tail, StandardCharsets.UTF_8);
        return written > kept ? "..." + text : text;
    }
}
