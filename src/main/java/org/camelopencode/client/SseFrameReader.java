package org.camelopencode.client;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent-Events frames from a UTF-8 stream (the body of {@code GET /event} or {@code GET /global/event}).
 *
 * <p>Per the SSE spec: {@code data:} lines of one frame are joined with {@code \n} (one optional space after the
 * colon is removed), a blank line ends the frame, {@code :} comments and {@code id:}, {@code event:},
 * {@code retry:} lines are skipped, CRLF and LF both end lines, and a last frame without its closing blank line
 * at end of stream is dropped (it may be cut short). Frames without data lines are not returned.
 * Not thread-safe; uses plain string checks per line (no regex) since it must sustain &gt;100k frames/s.
 */
public final class SseFrameReader implements Closeable {

    private final BufferedReader reader;
    private final StringBuilder data = new StringBuilder(512);

    /** @param input the stream; closed by {@link #close()} */
    public SseFrameReader(InputStream input) {
        this.reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 16 * 1024);
    }

    /**
     * Blocks until the next complete frame.
     *
     * @return the frame data (the {@code data:} lines joined with {@code \n}), or null at end of stream
     * @throws IOException when reading fails
     */
    public String nextFrame() throws IOException {
        data.setLength(0);
        boolean hasData = false;
        String line;
        // BufferedReader.readLine treats \n, \r and \r\n as line ends, as the SSE spec does.
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (hasData) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith("data")) {
                int length = line.length();
                if (length == 4) {
                    hasData = appendData(hasData, "", 0);
                } else if (line.charAt(4) == ':') {
                    int start = length > 5 && line.charAt(5) == ' ' ? 6 : 5;
                    hasData = appendData(hasData, line, start);
                }
                // "dataX..." is a different field name: ignored like any unknown field.
            }
            // Comments (":"), id:, event:, retry: and unknown fields are tolerated and ignored.
        }
        return null;
    }

    private boolean appendData(boolean hasData, String line, int start) {
        if (hasData) {
            data.append('\n');
        }
        data.append(line, start, line.length());
        return true;
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        reader.close();
    }
}
