package org.camelopencode.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A successful chat completion and its OpenAI wire format: streamed as {@code chat.completion.chunk} frames
 * ({@code data: {...}\n\n}, ending with a usage chunk and {@code data: [DONE]}) or as one {@code chat.completion} JSON.
 *
 * @param content       assistant text, may be empty (no content chunks are sent then)
 * @param toolName      name of the single tool call, or null for none
 * @param toolArguments the tool call's arguments as a JSON string, or null
 * @param finishReason  OpenAI finish reason: {@code stop}, {@code length}, {@code tool_calls}
 */
record Completion(String content, String toolName, String toolArguments, String finishReason) {

    /** Writes the completion, streamed or not as the request asked, pausing {@code perChunk} before each streamed frame. */
    void write(ReplyContext context, Duration perChunk) throws IOException {
        if (context.request().stream()) {
            writeStream(context, perChunk);
        } else {
            writeJson(context);
        }
    }

    private void writeStream(ReplyContext context, Duration perChunk) throws IOException {
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        context.exchange().getResponseHeaders().set("Content-Type", "text/event-stream");
        context.exchange().getResponseHeaders().set("Cache-Control", "no-cache");
        context.exchange().sendResponseHeaders(200, 0);
        try (OutputStream out = context.exchange().getResponseBody()) {
            for (ObjectNode frame : streamFrames(context, id, created)) {
                if (!perChunk.isZero() && !context.pause(perChunk)) {
                    return; // server closing: stop mid-stream
                }
                writeFrame(out, context.mapper().writeValueAsString(frame));
            }
            writeFrame(out, "[DONE]");
        }
    }

    private List<ObjectNode> streamFrames(ReplyContext context, String id, long created) {
        List<ObjectNode> frames = new ArrayList<>();
        ObjectNode roleDelta = context.mapper().createObjectNode().put("role", "assistant").put("content", "");
        frames.add(chunk(context, id, created, roleDelta, null));
        for (String piece : splitAfterWhitespace(content)) {
            frames.add(chunk(context, id, created, context.mapper().createObjectNode().put("content", piece), null));
        }
        if (toolName != null) {
            ObjectNode nameDelta = context.mapper().createObjectNode();
            ObjectNode call = nameDelta.putArray("tool_calls").addObject().put("index", 0)
                    .put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                    .put("type", "function");
            call.putObject("function").put("name", toolName).put("arguments", "");
            frames.add(chunk(context, id, created, nameDelta, null));
            ObjectNode argumentsDelta = context.mapper().createObjectNode();
            argumentsDelta.putArray("tool_calls").addObject().put("index", 0)
                    .putObject("function").put("arguments", toolArguments);
            frames.add(chunk(context, id, created, argumentsDelta, null));
        }
        frames.add(chunk(context, id, created, context.mapper().createObjectNode(), finishReason));
        ObjectNode usageFrame = frame(context, id, created, "chat.completion.chunk");
        usageFrame.putArray("choices");
        usageFrame.set("usage", usage(context));
        frames.add(usageFrame);
        return frames;
    }

    private void writeJson(ReplyContext context) throws IOException {
        ObjectNode body = frame(context, "chatcmpl-" + UUID.randomUUID(), System.currentTimeMillis() / 1000, "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (content.isEmpty() && toolName != null) {
            message.putNull("content");
        } else {
            message.put("content", content);
        }
        if (toolName != null) {
            ObjectNode call = message.putArray("tool_calls").addObject()
                    .put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                    .put("type", "function");
            call.putObject("function").put("name", toolName).put("arguments", toolArguments);
        }
        choice.put("finish_reason", finishReason);
        body.set("usage", usage(context));
        byte[] bytes = context.mapper().writeValueAsBytes(body);
        context.exchange().getResponseHeaders().set("Content-Type", "application/json");
        context.exchange().sendResponseHeaders(200, bytes.length);
        try (OutputStream out = context.exchange().getResponseBody()) {
            out.write(bytes);
        }
    }

    private ObjectNode chunk(ReplyContext context, String id, long created, ObjectNode delta, String finish) {
        ObjectNode frame = frame(context, id, created, "chat.completion.chunk");
        ArrayNode choices = frame.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return frame;
    }

    private static ObjectNode frame(ReplyContext context, String id, long created, String object) {
        return context.mapper().createObjectNode().put("id", id).put("object", object).put("created", created)
                .put("model", context.request().model().isEmpty() ? "scripted" : context.request().model());
    }

    /** Token counts estimated at about four characters per token, never zero, so OpenCode records tokens. */
    private ObjectNode usage(ReplyContext context) {
        int promptTokens = estimateTokens(context.request().messagesJson());
        int completionTokens = estimateTokens(content + (toolArguments == null ? "" : toolName + toolArguments));
        return context.mapper().createObjectNode().put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
    }

    private static int estimateTokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    private static void writeFrame(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Splits text into word-sized pieces (each ends after its whitespace) whose concatenation is the text. */
    static List<String> splitAfterWhitespace(String text) {
        List<String> pieces = new ArrayList<>();
        for (String piece : text.split("(?<=\\s)")) {
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
        }
        return pieces;
    }
}
