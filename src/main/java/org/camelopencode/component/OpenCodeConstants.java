package org.camelopencode.component;

import org.apache.camel.spi.Metadata;

/**
 * The exchange headers the {@code opencode:} component reads and writes.
 */
public final class OpenCodeConstants {

    @Metadata(description = "The operation to perform, overriding the one in the URI.", javaType = "org.camelopencode.component.OpenCodeOperation")
    public static final String OPERATION = "CamelOpenCodeOperation";
    @Metadata(label = "producer", description = "dispatch: permission rules for this message, overriding the permissionPolicy option.", javaType = "String")
    public static final String PERMISSION_POLICY = "CamelOpenCodePermissionPolicy";
    @Metadata(label = "producer", description = "dispatch: question rules for this message, overriding the questionPolicy option.", javaType = "String")
    public static final String QUESTION_POLICY = "CamelOpenCodeQuestionPolicy";
    @Metadata(label = "producer", description = "dispatch: true makes this task read-only, as the readOnly option.", javaType = "Boolean")
    public static final String READ_ONLY = "CamelOpenCodeReadOnly";
    @Metadata(description = "Escalations (sent to the approval endpoint) and approve: the permission or question request id (per_... or que_...).", javaType = "String")
    public static final String REQUEST_ID = "CamelOpenCodeRequestId";
    @Metadata(description = "Escalations: permission or question.", javaType = "String")
    public static final String INTERACTION_TYPE = "CamelOpenCodeInteractionType";
    @Metadata(description = "Escalations: the node id (opencode.cluster.node-id) of the runner that owns the waiting session; the JSON body has it as node. Named without the Camel prefix so JMS keeps it.", javaType = "String")
    public static final String NODE_ID = "OpenCodeNodeId";
    @Metadata(description = "approve, out: applied (on this runner's servers) or forwarded (another runner owns the session: send the approval on to the node in OpenCodeApprovalOwner).", javaType = "String")
    public static final String APPROVAL_OUTCOME = "CamelOpenCodeApprovalOutcome";
    @Metadata(description = "approve, out when forwarded: the node id of the runner that owns the approval's session; routes/approvals.yaml sends the approval back to the reply queue with this property, where only that runner's selector takes it. Named without the Camel prefix so JMS keeps it.", javaType = "String")
    public static final String APPROVAL_OWNER = "OpenCodeApprovalOwner";
    @Metadata(description = "Escalations: when the dispatch stops waiting for the approval, epoch milliseconds (also set as JMSExpiration).", javaType = "Long")
    public static final String EXPIRES_AT = "CamelOpenCodeExpiresAt";
    @Metadata(description = "The OpenCode session id (ses_...). In: the session for prompt, promptAsync, abort, messages, status. Out: the session the operation used or created. events: the event's session (unset for server-wide events).", javaType = "String")
    public static final String SESSION_ID = "CamelOpenCodeSessionId";
    @Metadata(description = "In: the model as provider/model, overriding the endpoint option. Out (dispatch): the model that answered.", javaType = "String")
    public static final String MODEL = "CamelOpenCodeModel";
    @Metadata(label = "producer", description = "The agent to run (for example build or plan), overriding the endpoint option.", javaType = "String")
    public static final String AGENT = "CamelOpenCodeAgent";
    @Metadata(label = "producer", description = "The task's title, used in the session title.", javaType = "String")
    public static final String TITLE = "CamelOpenCodeTitle";
    @Metadata(label = "producer", description = "What the reply must be: text or json.", javaType = "String")
    public static final String EXPECT = "CamelOpenCodeExpect";
    @Metadata(label = "producer", description = "The per-attempt deadline: a Duration, or text: ISO-8601 (PT30S), Camel's form (30s, 1m30s) or whole seconds (30).", javaType = "String")
    public static final String TIMEOUT = "CamelOpenCodeTimeout";
    @Metadata(label = "producer", description = "dispatch: stricter JSON retries in the same session, overriding the jsonRetries option.", javaType = "Integer")
    public static final String JSON_RETRIES = "CamelOpenCodeJsonRetries";
    @Metadata(label = "producer", description = "dispatch: token cap of the attempt (input + output + reasoning), overriding the maxTokens option; a task's maxTokens wins.", javaType = "Long")
    public static final String MAX_TOKENS = "CamelOpenCodeMaxTokens";
    @Metadata(label = "producer", description = "dispatch: cost cap of the attempt in USD, overriding the maxCost option; a task's maxCost wins.", javaType = "Double")
    public static final String MAX_COST = "CamelOpenCodeMaxCost";
    @Metadata(description = "The run id of a multi-stage run; part of the session title and the records.", javaType = "String")
    public static final String RUN_ID = "CamelOpenCodeRunId";
    @Metadata(description = "The stage of a multi-stage run; part of the session title and the records.", javaType = "String")
    public static final String STAGE = "CamelOpenCodeStage";
    @Metadata(description = "The attempt number, 1 for the first. In: overrides the count derived from Camel's redelivery counter. Out: the attempt that ran.", javaType = "Integer")
    public static final String ATTEMPT = "CamelOpenCodeAttempt";
    @Metadata(label = "producer", description = "dispatch: the task's idempotency key in the dispatch ledger (file name + content hash, JMS message id, Kafka offset or key; set by the trigger's steps, or by the sender to override). A key already completed answers its recorded result; one still running re-attaches to its session.", javaType = "String")
    public static final String TASK_KEY = "CamelOpenCodeTaskKey";
    @Metadata(label = "producer", description = "dispatch, out: true when the result is the one the ledger recorded for the task key"
            + " (completed earlier, for example by a runner that stopped before its trigger was told), so no session ran now;"
            + " absent otherwise. A trigger whose result send is not atomic with its acknowledgement (Kafka) checks before"
            + " writing the result again.", javaType = "Boolean")
    public static final String ANSWERED_FROM_LEDGER = "CamelOpenCodeAnsweredFromLedger";
    @Metadata(label = "producer", description = "dispatch: where the agent edits, shared or worktree, overriding the workspace option; a task's"
            + " workspace key wins.", javaType = "String")
    public static final String WORKSPACE = "CamelOpenCodeWorkspace";
    @Metadata(label = "producer", description = "dispatch with workspace worktree, out: the successful attempt's branch (opencode/<task>-<attempt>);"
            + " kept after the exchange only when the task committed or has keep: true.", javaType = "String")
    public static final String BRANCH = "CamelOpenCodeBranch";
    @Metadata(label = "producer", description = "dispatch with commit: true, out: the sha of the commit of the attempt's changes on its branch.",
            javaType = "String")
    public static final String COMMIT = "CamelOpenCodeCommit";
    @Metadata(description = "The task's name (for file tasks the file name without its extension).", javaType = "String")
    public static final String TASK_NAME = "CamelOpenCodeTaskName";
    @Metadata(description = "The failure kind's wire name (for example rate_limited) when the operation failed.", javaType = "String")
    public static final String FAILURE_KIND = "CamelOpenCodeFailureKind";
    @Metadata(label = "producer", description = "dispatch: the id of the final assistant message.", javaType = "String")
    public static final String MESSAGE_ID = "CamelOpenCodeMessageId";
    @Metadata(label = "producer", description = "dispatch: input tokens summed over all steps.", javaType = "Long")
    public static final String TOKENS_INPUT = "CamelOpenCodeTokensInput";
    @Metadata(label = "producer", description = "dispatch: output tokens summed over all steps.", javaType = "Long")
    public static final String TOKENS_OUTPUT = "CamelOpenCodeTokensOutput";
    @Metadata(label = "producer", description = "dispatch: reasoning tokens summed over all steps.", javaType = "Long")
    public static final String TOKENS_REASONING = "CamelOpenCodeTokensReasoning";
    @Metadata(label = "producer", description = "dispatch: cost summed over all steps, in the provider's currency (USD).", javaType = "Double")
    public static final String COST = "CamelOpenCodeCost";
    @Metadata(label = "producer", description = "dispatch: wall time of the attempt in milliseconds.", javaType = "Long")
    public static final String DURATION_MILLIS = "CamelOpenCodeDurationMillis";
    @Metadata(label = "producer", description = "dispatch: the final message's finish reason (stop, tool-calls, length, ...).", javaType = "String")
    public static final String FINISH = "CamelOpenCodeFinish";
    @Metadata(label = "producer", description = "dispatch: server or cli, overriding the transport option.", javaType = "String")
    public static final String TRANSPORT = "CamelOpenCodeTransport";
    @Metadata(label = "producer", description = "dispatch with transport=cli: comma-separated files attached to the prompt, overriding the files option.", javaType = "String")
    public static final String FILES = "CamelOpenCodeFiles";
    @Metadata(label = "producer", description = "dispatch: comma-separated skill folders made visible to the agent, overriding the skills option.", javaType = "String")
    public static final String SKILLS = "CamelOpenCodeSkills";
    @Metadata(label = "producer", description = "dispatch with transport=cli: the session to go on in (--session), overriding the cliSession option.", javaType = "String")
    public static final String CLI_SESSION = "CamelOpenCodeCliSession";
    @Metadata(label = "producer", description = "dispatch with transport=cli: true goes on in the last session (--continue), overriding the cliContinue option.", javaType = "Boolean")
    public static final String CLI_CONTINUE = "CamelOpenCodeCliContinue";
    @Metadata(label = "producer", description = "messages: how many of the newest messages to read.", javaType = "Integer")
    public static final String LIMIT = "CamelOpenCodeLimit";

    @Metadata(label = "consumer", description = "events: the event type, for example session.idle, session.status or message.part.updated.", javaType = "String")
    public static final String EVENT_TYPE = "CamelOpenCodeEventType";
    @Metadata(label = "consumer", description = "events: the event id (evt_...), when the server sent one.", javaType = "String")
    public static final String EVENT_ID = "CamelOpenCodeEventId";
    @Metadata(description = "dispatch (in): the directory the task's agent works in (absolute, or relative to the workspacesRoot option), overriding the"
            + " directory option; a task's directory key wins. events (out): the project directory of the event, when the event names it"
            + " (properties.directory or properties.info.directory); unset otherwise.", javaType = "String")
    public static final String DIRECTORY = "CamelOpenCodeDirectory";

    // Follow-ups and commands (issue 15 item 5); a task's keys sessionId, fork, command and arguments win over these.
    @Metadata(label = "producer", description = "dispatch: continue this session (ses_...): prompt in it, the gate judging only what comes after;"
            + " a session that does not exist is invalid_task. Not CamelOpenCodeSessionId, which every dispatch sets as its result (a retry or the"
            + " next stage would continue the last session by accident).", javaType = "String")
    public static final String CONTINUE_SESSION = "CamelOpenCodeContinueSession";
    @Metadata(label = "producer", description = "dispatch: with CamelOpenCodeContinueSession, fork that session first and continue the fork.", javaType = "Boolean")
    public static final String FORK = "CamelOpenCodeFork";
    @Metadata(label = "producer", description = "dispatch: run this slash command (its name, e.g. review) instead of the prompt, under the same gate.", javaType = "String")
    public static final String COMMAND = "CamelOpenCodeCommand";
    @Metadata(label = "producer", description = "dispatch: the arguments of CamelOpenCodeCommand ($ARGUMENTS of the command file).", javaType = "String")
    public static final String ARGUMENTS = "CamelOpenCodeArguments";

    private OpenCodeConstants() {
    }
}
