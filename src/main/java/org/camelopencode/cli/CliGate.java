package org.camelopencode.cli;

import java.util.List;
import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.Cache;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessageInfo;
import org.camelopencode.client.MessageTime;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.Part;
import org.camelopencode.client.Tokens;
import org.camelopencode.dispatch.CompletionGate;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.GateVerdict;
import org.camelopencode.dispatch.SchemaCheck;
import org.camelopencode.failure.FailureKind;

/**
 * The completion gate for a finished {@code opencode run --format json}: the same verdicts, kinds and texts as the
 * server transport's {@link CompletionGate}, which it calls on the final assistant message rebuilt from the lines
 * (its text, the unrecovered {@code error} line's error, tokens and cost summed over every {@code step_finish}).
 *
 * <p>Before that gate, what only the CLI shows:
 * <ul>
 *   <li>a non-zero exit code with no {@code error} line and no text (bad arguments, a crash):
 *       {@code agent_error} with the tail of standard error;</li>
 *   <li>lines that are not JSON and no usable text: {@code agent_error} naming the first unreadable line;</li>
 *   <li>a tool call refused because its permission ask was rejected (the CLI rejects every ask; OpenCode then ends
 *       the turn) and no checked result: {@code request_rejected} with the refused call attached, as the server
 *       transport reports a rejected request that ended the turn.</li>
 * </ul>
 * The exit code alone does not fail a run: OpenCode exits 1 after any {@code session.error}, even one it recovered
 * from (a context overflow it compacted away), so text after the last error line wins. Stateless.
 */
public final class CliGate {

    private CliGate() {
    }

    /**
     * @param request the attempt: {@code expectJson}, {@code schema}, {@code model}, {@code agent}
     * @param output the lines read from the run (all runs of the attempt, for the sums)
     * @param exitCode the process's exit code
     * @param stderrTail the end of its standard error, for the reason of an {@code agent_error}; may be empty
     * @param schemaCheck the compiled {@code request.schema()}, or null
     * @return {@link GateVerdict.Completed} (duration zero: the caller times it) or {@link GateVerdict.Failed};
     *     never pending, the run is over
     */
    public static GateVerdict judge(DispatchRequest request, CliOutput output, int exitCode, String stderrTail,
            SchemaCheck schemaCheck) {
        MessageError error = output.unrecoveredError();
        boolean noText = output.finalTexts().stream().allMatch(String::isBlank);
        if (exitCode != 0 && error == null && noText) {
            return new GateVerdict.Failed(FailureKind.AGENT_ERROR, "opencode run exited with code " + exitCode
                    + " without an error line" + (stderrTail == null || stderrTail.isBlank() ? "" : "; stderr: " + stderrTail.strip()));
        }
        if (error == null && noText && !output.malformedLines().isEmpty()) {
            return new GateVerdict.Failed(FailureKind.AGENT_ERROR, "opencode run printed no text and "
                    + output.malformedLines().size() + " unreadable line(s), the first: " + output.malformedLines().get(0));
        }
        GateVerdict verdict = CompletionGate.judge(request, output.sessionId(), false, List.of(finalMessage(request, output, error)),
                schemaCheck);
        if (verdict instanceof GateVerdict.Failed failed && output.rejectedRequest() != null) {
            return new GateVerdict.Failed(FailureKind.REQUEST_REJECTED, "opencode run rejected the permission for the "
                    + output.rejectedRequest().path("tool").asText("tool") + " call (the CLI rejects every permission ask),"
                    + " and the turn ended without a reply (" + failed.message() + ")", failed.error());
        }
        return verdict;
    }

    /** The final assistant message as the server would store it, rebuilt from the lines. */
    static MessageWithParts finalMessage(DispatchRequest request, CliOutput output, MessageError error) {
        AgentRunSummary summary = output.summary();
        TokenUsage usage = summary.tokens();
        Tokens tokens = new Tokens(usage.total(), usage.input(), usage.output(), usage.reasoning(),
                new Cache(usage.cacheRead(), usage.cacheWrite()));
        String[] model = request.model() == null ? new String[] {null, null} : request.model().split("/", 2);
        MessageInfo info = new MessageInfo(output.finalMessageId(), output.sessionId(), "assistant", null, model[1], model[0],
                request.agent(), request.agent(), summary.cost(), tokens, new MessageTime(null, 0L), error, null,
                error == null ? output.lastFinish() : null);
        List<Part> parts = output.finalTexts().stream()
                .map(text -> new Part(null, "text", output.finalMessageId(), output.sessionId(), text, null, null, null, null, null,
                        null, null))
                .toList();
        return new MessageWithParts(info, parts);
    }
}
