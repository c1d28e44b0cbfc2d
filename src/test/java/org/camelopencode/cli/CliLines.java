package org.camelopencode.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** NDJSON lines as {@code opencode run --format json} 1.18.33 prints them: recordings and lines built like them. */
final class CliLines {

    static final String SESSION = "ses_test0000000000000000000001";

    private CliLines() {
    }

    /** @return the lines of a recording in {@code src/test/resources/recordings/} */
    static List<String> recording(String name) {
        try (InputStream in = CliLines.class.getResourceAsStream("/recordings/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no recording " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String messageId, String partId, String text) {
        return "{\"type\":\"text\",\"timestamp\":1795232198267,\"sessionID\":\"" + SESSION + "\",\"part\":{\"id\":\"" + partId
                + "\",\"messageID\":\"" + messageId + "\",\"sessionID\":\"" + SESSION + "\",\"type\":\"text\",\"text\":"
                + quoted(text) + ",\"time\":{\"start\":1795232198110,\"end\":1795232198139}}}";
    }

    static String stepFinish(String messageId, String partId, String reason, long input, long output, double cost) {
        return "{\"type\":\"step_finish\",\"timestamp\":1795232198267,\"sessionID\":\"" + SESSION + "\",\"part\":{\"id\":\"" + partId
                + "\",\"reason\":\"" + reason + "\",\"messageID\":\"" + messageId + "\",\"sessionID\":\"" + SESSION
                + "\",\"type\":\"step-finish\",\"tokens\":{\"total\":" + (input + output) + ",\"input\":" + input + ",\"output\":"
                + output + ",\"reasoning\":0,\"cache\":{\"write\":0,\"read\":0}},\"cost\":" + cost + "}}";
    }

    /** An {@code error} line of an {@code APIError} with the status and response headers given. */
    static String apiError(int status, String message, boolean retryable, String headersJson) {
        return "{\"type\":\"error\",\"timestamp\":1795232207747,\"sessionID\":\"" + SESSION + "\",\"error\":{\"name\":\"APIError\","
                + "\"data\":{\"message\":" + quoted(message) + ",\"statusCode\":" + status + ",\"isRetryable\":" + retryable
                + ",\"responseHeaders\":" + headersJson + "}}}";
    }

    static String contextOverflow() {
        return "{\"type\":\"error\",\"timestamp\":1795232299536,\"sessionID\":\"" + SESSION + "\",\"error\":{\"name\":"
                + "\"ContextOverflowError\",\"data\":{\"message\":\"This model's maximum context length is 8192 tokens.\"}}}";
    }

    /** The {@code tool_use} line of a bash call whose permission ask the CLI rejected (recorded on 1.18.33). */
    static String rejectedBash(String messageId) {
        return "{\"type\":\"tool_use\",\"timestamp\":1795232305809,\"sessionID\":\"" + SESSION + "\",\"part\":{\"type\":\"tool\","
                + "\"tool\":\"bash\",\"callID\":\"call_1b9258becfe44cd7a0b16c6c\",\"state\":{\"status\":\"error\",\"input\":"
                + "{\"command\":\"echo hi\"},\"error\":\"The user rejected permission to use this specific tool call.\",\"time\":"
                + "{\"start\":1795232304336,\"end\":1795232305771}},\"id\":\"prt_tool1\",\"sessionID\":\"" + SESSION
                + "\",\"messageID\":\"" + messageId + "\"}}";
    }

    private static String quoted(String text) {
        return org.camelopencode.client.OpenCodeJson.mapper().getNodeFactory().textNode(text).toString();
    }
}
