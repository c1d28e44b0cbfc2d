package org.camelopencode.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One thing an agent run did, the same whichever source it was read from: the server's event stream
 * ({@code GET /global/event}, see {@link ServerEventNormalizer}) or the NDJSON lines of {@code opencode run --format json}
 * (see {@link CliEventNormalizer}). Immutable records; sums over a run are kept by {@link AgentRunTally}.
 *
 * <p>Every event carries the OpenCode session id ({@code ses_...}, null only for a CLI line that could not be read
 * before any session id was seen) and a timestamp: the part's own time when it has one (so both sources agree),
 * else the time of the event or line, else null.
 */
public sealed interface AgentEvent {

    /** @return the session the event belongs to, {@code ses_...}; may be null (see the interface) */
    String sessionId();

    /** @return when it happened, or null when the source carries no time */
    Instant timestamp();

    /**
     * The first thing seen of a session: emitted once per normalizer, before any other event.
     * Server: the first event of the session ({@code session.status}, {@code message.updated}, ...).
     * CLI: the first line carrying a {@code sessionID}.
     *
     * @param sessionId the session
     * @param timestamp the time of that first event or line, may be null
     */
    record SessionStarted(String sessionId, Instant timestamp) implements AgentEvent {
    }

    /**
     * The final text of one assistant text part, once per part (not the streamed deltas).
     * Server: {@code message.part.updated} of a {@code text} part whose {@code time.end} is set.
     * CLI: a {@code text} line.
     *
     * @param sessionId the session
     * @param timestamp the part's {@code time.end}
     * @param messageId the assistant message, {@code msg_...}
     * @param partId    the text part, {@code prt_...}
     * @param text      the text, never null (may be empty)
     */
    record MessageText(String sessionId, Instant timestamp, String messageId, String partId, String text)
            implements AgentEvent {
        public MessageText {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A tool call began, once per call. Server: the first update of a {@code tool} part that is {@code running}
     * (its input is known then), or a later status if {@code running} was never seen. CLI: a {@code tool_use} line
     * (the CLI only prints finished calls, so the started and finished events come from the same line).
     *
     * @param sessionId the session
     * @param timestamp {@code state.time.start} of the part
     * @param callId    the provider's tool call id ({@code callID}), may be null
     * @param tool      the tool name, e.g. {@code read}, {@code bash}
     * @param input     the tool arguments object ({@code state.input}); an empty object when unknown
     */
    record ToolStarted(String sessionId, Instant timestamp, String callId, String tool, JsonNode input)
            implements AgentEvent {
    }

    /**
     * A tool call ended, once per call, always after its {@link ToolStarted}. Server: a {@code tool} part update with
     * status {@code completed} or {@code error}. CLI: a {@code tool_use} line.
     *
     * @param sessionId the session
     * @param timestamp {@code state.time.end} of the part
     * @param callId    the provider's tool call id, may be null
     * @param tool      the tool name
     * @param status    {@link #COMPLETED} or {@link #ERROR}
     * @param output    {@code state.output} of a completed call, else null
     * @param error     {@code state.error} of a failed call (e.g. a rejected permission), else null
     * @param input     the tool arguments object ({@code state.input})
     */
    record ToolFinished(String sessionId, Instant timestamp, String callId, String tool, String status,
                        String output, String error, JsonNode input) implements AgentEvent {

        /** Status of a call that ran to its end. */
        public static final String COMPLETED = "completed";
        /** Status of a call that failed or was refused. */
        public static final String ERROR = "error";

        /** @return true when the call failed */
        public boolean failed() {
            return ERROR.equals(status);
        }
    }

    /**
     * The usage of one step (one model call) of an assistant message: a {@code step-finish} part, once per part.
     * Server: {@code message.part.updated} of a {@code step-finish} part. CLI: a {@code step_finish} line.
     * A run has one per model call; sum them ({@link AgentRunTally}) for the run's usage.
     *
     * @param sessionId the session
     * @param timestamp time of the event or line
     * @param messageId the assistant message
     * @param reason    the step's finish reason: {@code stop}, {@code tool-calls}, {@code length}, ...; may be null
     * @param tokens    token counts of this step (input, output, reasoning, cache read/write)
     * @param cost      cost of this step in USD
     */
    record StepUsage(String sessionId, Instant timestamp, String messageId, String reason, TokenUsage tokens,
                     double cost) implements AgentEvent {
        public StepUsage {
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    /**
     * The run ended: server {@code session.idle} (or {@code session.status} idle) after the session was busy;
     * CLI end of stream ({@link CliEventNormalizer#finish()}). Events of the run may still follow on the server
     * (it can send the final {@code message.updated} after idle); the normalizers still emit them.
     *
     * @param sessionId the session
     * @param timestamp time of the last line (CLI), null on the server (idle events carry no time)
     * @param text      the text of the run's last {@link MessageText}, or null when it produced none
     * @param errors    how many {@link RunError} the run produced
     */
    record RunResult(String sessionId, Instant timestamp, String text, int errors) implements AgentEvent {
    }

    /**
     * Something went wrong. Server: {@code session.error} ({@code error.name}, {@code error.data.message}).
     * CLI: an {@code error} line, or a line that is not a JSON object with a {@code type}
     * (name {@link #MALFORMED_LINE}). A run can recover after one (OpenCode compacts after an overflow and still
     * reports it), so this is a report, not the verdict.
     *
     * @param sessionId the session, may be null for a malformed first CLI line
     * @param timestamp time of the line, null on the server
     * @param name      the error name, e.g. {@code APIError}, {@code ContextOverflowError}, {@code MalformedLine}
     * @param message   a human-readable message, never null
     */
    record RunError(String sessionId, Instant timestamp, String name, String message) implements AgentEvent {

        /** Name of the error made for a CLI line that cannot be read. */
        public static final String MALFORMED_LINE = "MalformedLine";

        public RunError {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(message, "message");
        }
    }
}
