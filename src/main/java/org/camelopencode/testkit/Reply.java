package org.camelopencode.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One scripted answer of {@link ScriptedModelServer} to a {@code POST /v1/chat/completions} request.
 * Successful completions are streamed when the request has {@code stream: true} ({@code text/event-stream} chunks
 * {@code data: {...}}, a final usage chunk, then {@code data: [DONE]}), else answered as one JSON object.
 * Create instances with the static factories; they are immutable and may be reused.
 */
public abstract class Reply {

    private static final String CONTEXT_OVERFLOW_BODY = "{\"error\":{\"message\":\"This model's maximum context length is "
            + "8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.\","
            + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";

    Reply() {
    }

    /** Writes this reply on the exchange of the context; must close the exchange's body unless it never answers. */
    abstract void respond(ReplyContext context) throws IOException;

    /**
     * @param text the assistant's text, sent verbatim in word-sized chunks; finish_reason {@code stop}
     * @return a plain text completion
     */
    public static Reply text(String text) {
        return new CompletionReply(new Completion(Objects.requireNonNull(text, "text"), null, null, "stop"));
    }

    /**
     * @param json raw JSON, sent verbatim as the assistant's text (not validated, so broken JSON can be scripted too)
     * @return a text completion whose text is the JSON
     */
    public static Reply json(String json) {
        return text(Objects.requireNonNull(json, "json"));
    }

    /**
     * @param json raw JSON to wrap
     * @return a completion whose text is a single {@code ```json} fenced block and nothing else
     */
    public static Reply fencedJson(String json) {
        return text("```json\n" + Objects.requireNonNull(json, "json") + "\n```");
    }

    /**
     * @param json        raw JSON to wrap
     * @param proseBefore text before the fence (may be empty)
     * @param proseAfter  text after the fence (may be empty)
     * @return a completion with prose around a single {@code ```json} fenced block
     */
    public static Reply fencedJson(String json, String proseBefore, String proseAfter) {
        return text(proseBefore + "\n\n```json\n" + Objects.requireNonNull(json, "json") + "\n```\n\n" + proseAfter);
    }

    /** @return a completion with no content at all (finish_reason {@code stop}); OpenCode records no text part */
    public static Reply empty() {
        return new CompletionReply(new Completion("", null, null, "stop"));
    }

    /**
     * A single OpenAI tool call: streamed as a {@code tool_calls} delta with id, type {@code function} and name,
     * then one delta with the arguments, then finish_reason {@code tool_calls}. OpenCode runs the tool and sends a
     * follow-up request carrying the result (last message role {@code tool}) to the same rule, so script the answer
     * after it: {@code .reply(Reply.toolCall("bash", "{\"command\":\"ls\"}"), Reply.text("done"))}.
     * <p>Argument shapes verified on OpenCode 1.18.33:
     * <ul>
     *   <li>{@code bash}: {@code {"command":"echo hi"}} (required), optional {@code "timeout"} (milliseconds, integer) and
     *       {@code "workdir"}. With config permission {@code bash: ask} it raises a permission request whose
     *       {@code patterns} are {@code ["echo hi"]}.</li>
     *   <li>{@code question}: {@code {"questions":[{"question":"Which one?","header":"Pick (max 30 chars)",
     *       "options":[{"label":"A","description":"first"}],"multiple":false}]}}; {@code question}, {@code header} and
     *       {@code options} (each with {@code label} and {@code description}) are required.</li>
     * </ul>
     *
     * @param toolName      tool name as OpenCode offers it in {@code tools} (e.g. {@code bash}, {@code question}, {@code read})
     * @param argumentsJson the arguments object as a JSON string (sent as is)
     * @return a tool-call completion
     */
    public static Reply toolCall(String toolName, String argumentsJson) {
        return new CompletionReply(new Completion("", Objects.requireNonNull(toolName, "toolName"),
                Objects.requireNonNull(argumentsJson, "argumentsJson"), "tool_calls"));
    }

    /**
     * A call of OpenCode's {@code write} tool: {@code {"filePath": path, "content": content}}. A relative path lands in the
     * session's directory (the {@code directory} of its calls). With config permission {@code edit: ask} it raises a
     * permission request; by default it writes at once.
     *
     * @param path    the file, absolute or relative to the session's directory
     * @param content the whole new content
     * @return a tool-call completion
     */
    public static Reply writeFile(String path, String content) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode().put("filePath", Objects.requireNonNull(path, "path"))
                .put("content", Objects.requireNonNull(content, "content"));
        return toolCall("write", arguments.toString());
    }

    /**
     * @param text the truncated text
     * @return a text completion ending with finish_reason {@code length} (OpenCode: {@code finish: "length"})
     */
    public static Reply finishLength(String text) {
        return new CompletionReply(new Completion(Objects.requireNonNull(text, "text"), null, null, "length"));
    }

    /**
     * @param status  HTTP status code
     * @param headers response headers (may be empty); {@code Content-Type} defaults to JSON when the body starts with '{'
     * @param body    response body (may be empty)
     * @return a non-2xx (or any) raw HTTP answer
     */
    public static Reply httpError(int status, Map<String, String> headers, String body) {
        return new HttpErrorReply(status, headers, body);
    }

    /** @return 401 with an OpenAI {@code invalid_api_key} error body; OpenCode does not retry it */
    public static Reply unauthorized() {
        return httpError(401, Map.of(), "{\"error\":{\"message\":\"Incorrect API key provided.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
    }

    /**
     * @param retryAfter delay the client should wait; sent as {@code retry-after} (whole seconds, rounded up) and
     *                   {@code retry-after-ms} (milliseconds), which OpenCode prefers
     * @return 429 with an OpenAI {@code rate_limit_exceeded} error body
     */
    public static Reply rateLimited(Duration retryAfter) {
        long millis = retryAfter.toMillis();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("retry-after", Long.toString((millis + 999) / 1000));
        headers.put("retry-after-ms", Long.toString(millis));
        return httpError(429, headers, "{\"error\":{\"message\":\"Rate limit reached for requests.\","
                + "\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
    }

    /** @return 503 with an OpenAI-style {@code server_error} body */
    public static Reply unavailable() {
        return httpError(503, Map.of(), "{\"error\":{\"message\":\"The server is temporarily unavailable.\","
                + "\"type\":\"server_error\"}}");
    }

    /** @return 529 (Anthropic-style overloaded) with an {@code overloaded_error} body */
    public static Reply overloaded() {
        return httpError(529, Map.of(), "{\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}");
    }

    /** @return 400 with the OpenAI {@code context_length_exceeded} body ("This model's maximum context length is ...") */
    public static Reply contextOverflow() {
        return httpError(400, Map.of(), CONTEXT_OVERFLOW_BODY);
    }

    /**
     * @param inner    a completion reply ({@link #text}, {@link #toolCall}, ...); an HTTP error reply is sent after one pause
     * @param perChunk pause before every streamed frame
     * @return the inner reply, streamed slowly; the pauses end early when the server closes
     */
    public static Reply slow(Reply inner, Duration perChunk) {
        return new SlowReply(Objects.requireNonNull(inner, "inner"), Objects.requireNonNull(perChunk, "perChunk"));
    }

    /**
     * @return a reply that never answers: no status line, no bytes. The handling thread is released when the
     *         server closes ({@link ScriptedModelServer#close()}); OpenCode itself gives up after its own timeout.
     */
    public static Reply hang() {
        return new HangReply();
    }

    /** A successful completion, optionally paced. */
    static final class CompletionReply extends Reply {
        private final Completion completion;

        CompletionReply(Completion completion) {
            this.completion = completion;
        }

        @Override
        void respond(ReplyContext context) throws IOException {
            completion.write(context, Duration.ZERO);
        }

        void respondSlowly(ReplyContext context, Duration perChunk) throws IOException {
            completion.write(context, perChunk);
        }
    }

    /** A raw HTTP status with headers and body. */
    static final class HttpErrorReply extends Reply {
        private final int status;
        private final Map<String, String> headers;
        private final String body;

        HttpErrorReply(int status, Map<String, String> headers, String body) {
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("HTTP status must be 100..999, got " + status);
            }
            this.status = status;
            this.headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
            this.body = Objects.requireNonNull(body, "body");
        }

        @Override
        void respond(ReplyContext context) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            boolean hasContentType = headers.keySet().stream().anyMatch("content-type"::equalsIgnoreCase);
            if (!hasContentType) {
                context.exchange().getResponseHeaders().set("Content-Type",
                        body.stripLeading().startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
            }
            headers.forEach((name, value) -> context.exchange().getResponseHeaders().set(name, value));
            context.exchange().sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = context.exchange().getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Paces the inner reply. */
    static final class SlowReply extends Reply {
        private final Reply inner;
        private final Duration perChunk;

        SlowReply(Reply inner, Duration perChunk) {
            if (perChunk.isNegative()) {
                throw new IllegalArgumentException("perChunk must not be negative");
            }
            this.inner = inner;
            this.perChunk = perChunk;
        }

        @Override
        void respond(ReplyContext context) throws IOException {
            if (inner instanceof CompletionReply completionReply) {
                completionReply.respondSlowly(context, perChunk);
            } else if (context.pause(perChunk)) {
                inner.respond(context);
            }
        }
    }

    /** Never answers until the server closes. */
    static final class HangReply extends Reply {
        @Override
        void respond(ReplyContext context) {
            context.awaitServerClose();
        }
    }
}
