package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFrameReaderTest {

    @Test
    void readsFramesSeparatedByBlankLines() throws IOException {
        assertThat(frames("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n")).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void joinsMultipleDataLinesWithNewline() throws IOException {
        assertThat(frames("data: first\ndata:second\ndata\n\n")).containsExactly("first\nsecond\n");
    }

    @Test
    void acceptsCrLfAndLoneCr() throws IOException {
        assertThat(frames("data: one\r\n\r\ndata: two\r\rdata: three\n\n")).containsExactly("one", "two", "three");
    }

    @Test
    void toleratesCommentsIdEventAndRetryLines() throws IOException {
        String stream = ": keep-alive\nid: 7\nevent: message\nretry: 1000\ndata: payload\nunknown: x\n\n: only a comment\n\n";
        assertThat(frames(stream)).containsExactly("payload");
    }

    @Test
    void dropsAFinalFrameWithoutBlankLine() throws IOException {
        assertThat(frames("data: complete\n\ndata: cut")).containsExactly("complete");
        assertThat(frames("data: complete\n\ndata: cut\n")).containsExactly("complete");
    }

    @Test
    void keepsUtf8AndOnlyStripsOneSpace() throws IOException {
        assertThat(frames("data:  two spaces é ✓\n\n")).containsExactly(" two spaces é ✓");
    }

    @Test
    void emptyStreamHasNoFrames() throws IOException {
        assertThat(frames("")).isEmpty();
        assertThat(frames("\n\n\n")).isEmpty();
    }

    @Test
    void readsManyFramesQuickly() throws IOException {
        String frame = "data: {\"id\":\"evt_1\",\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_1\",\"delta\":\"h\"}}\n\n";
        int count = 200_000;
        byte[] stream = frame.repeat(count).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        int read = 0;
        try (SseFrameReader reader = new SseFrameReader(new ByteArrayInputStream(stream))) {
            while (reader.nextFrame() != null) {
                read++;
            }
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(read).isEqualTo(count);
        // Generous bound (CI noise): 200k frames must take well under 2 s, i.e. >100k frames/s.
        assertThat(elapsedMillis).isLessThan(2000);
    }

    private static List<String> frames(String text) throws IOException {
        List<String> frames = new ArrayList<>();
        try (SseFrameReader reader = new SseFrameReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            String frame;
            while ((frame = reader.nextFrame()) != null) {
                frames.add(frame);
            }
        }
        return frames;
    }
}
