package org.camelopencode.component;

import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of an {@code opencode:} endpoint. Set on the component, they are the defaults that
 * every endpoint copies; set on an endpoint URI, they apply to that endpoint only.
 */
@UriParams
public class OpenCodeConfiguration implements Cloneable {

    @UriParam(label = "common", description = "Base URL of the OpenCode server (for example http://127.0.0.1:4096)."
            + " When unset, the component starts and supervises its own managed opencode serve.")
    private String serverUrl;
    @UriParam(label = "security", defaultValue = "opencode", description = "User name for the server's HTTP Basic auth (OPENCODE_SERVER_USERNAME).")
    private String username = "opencode";
    @UriParam(label = "security", secret = true, description = "Password for the server's HTTP Basic auth (OPENCODE_SERVER_PASSWORD). Never logged.")
    private String password;
    @UriParam(label = "advanced", description = "Lowest OpenCode version to accept, e.g. 1.14.0: a server below it (by GET /global/health)"
            + " is refused at start with both versions named. Unset: any version, with one start-up line saying how it stands"
            + " against the versions the project measured.")
    private String minServerVersion;
    @UriParam(label = "producer", description = "The model as provider/model (for example opencode/gpt-5-nano); unset = the server's default.")
    private String model;
    @UriParam(label = "producer", description = "The agent to run (build, plan, or a custom one); unset = the server's default. plan is read-only.")
    private String agent;
    @UriParam(label = "producer", description = "An extra system prompt sent with every prompt.")
    private String system;
    @UriParam(label = "producer", description = "The task title used in session titles when the message names none.")
    private String title;
    @UriParam(label = "producer", defaultValue = "text", enums = "text,json", description = "What the reply must be: text, or json (the text parses as JSON, or is a single fenced json block).")
    private String expect = "text";
    @UriParam(label = "producer", description = "A JSON Schema (as JSON text) sent as format json_schema; the reply's structured output becomes the result's json.")
    private String schema;
    @UriParam(label = "producer", defaultValue = "PT5M", javaType = "java.time.Duration", description = "The per-attempt deadline: ISO-8601 (PT5M), Camel's form (5m, 1m30s)"
            + " or whole seconds (300). When it passes the session is aborted and the attempt fails as timeout.")
    private Duration timeout = Duration.ofMinutes(5);
    @UriParam(label = "common", description = "Producer: the session for prompt, promptAsync, abort, messages and status (the CamelOpenCodeSessionId header overrides it)."
            + " Consumer (events): only that session's events are delivered; unset = all sessions and server-wide events.")
    private String sessionId;
    @UriParam(label = "producer", description = "messages: how many of the newest messages to read; unset = all.")
    private Integer limit;
    @UriParam(label = "consumer", description = "events: comma-separated event types to deliver (for example session.idle,session.status);"
            + " empty = all types except server.heartbeat, which is delivered only when listed.")
    private String eventTypes;
    @UriParam(label = "consumer", defaultValue = "1000", description = "events: how many events may wait for the route; the stream's reader never waits for the route.")
    private int bufferSize = 1000;
    @UriParam(label = "consumer", defaultValue = "dropOldest", enums = "dropOldest,dropNewest",
            description = "events: what happens when the buffer is full: dropOldest discards the oldest waiting event to make room,"
                    + " dropNewest discards the arriving event. Dropped events are counted and logged at WARN (at most every 5 s).")
    private BufferFullPolicy bufferFullPolicy = BufferFullPolicy.dropOldest;
    @UriParam(label = "producer", defaultValue = "false", description = "dispatch: the task must not change files: the agent defaults to plan,"
            + " sessions deny every edit, and edit requests are rejected with feedback. A task with agent plan is read-only too.")
    private boolean readOnly;
    @UriParam(label = "producer", defaultValue = "1", description = "dispatch: how many stricter follow-up prompts a reply that is not the"
            + " expected JSON (or breaks the schema) gets in the same session before the attempt fails as assistant_output_not_json; 0 = none.")
    private int jsonRetries = 1;
    @UriParam(label = "producer", defaultValue = "server", enums = "server,cli", description = "dispatch: how attempts reach OpenCode:"
            + " server (HTTP to opencode serve) or cli (one opencode run --format json process per attempt, same gate and failure kinds).")
    private String transport = "server";
    @UriParam(label = "producer", description = "dispatch: comma-separated skill folders (each with a SKILL.md) made visible to the agent for"
            + " this dispatch as <project>/.opencode/skills/<folder name> (a link, or a copy), removed afterwards unless they existed.")
    private String skills;
    @UriParam(label = "advanced", defaultValue = "PT10S", javaType = "java.time.Duration", description = "How often a running dispatch re-reads session status and"
            + " messages as a safety net beside the event stream (ISO-8601, Camel's form or whole seconds).")
    private Duration pollInterval = Duration.ofSeconds(10);
    @UriParam(label = "advanced", defaultValue = "PT30S", javaType = "java.time.Duration", description = "How long the server may stay unreachable before a dispatch"
            + " fails as provider_unavailable (ISO-8601, Camel's form or whole seconds).")
    private Duration serverLostTimeout = Duration.ofSeconds(30);
    @UriParam(label = "advanced", defaultValue = "PT30S", javaType = "java.time.Duration", description = "HTTP request timeout for the short calls to the server"
            + " (not for the synchronous prompt operation, which uses timeout): ISO-8601, Camel's form or whole seconds.")
    private Duration requestTimeout = Duration.ofSeconds(30);

    // Per-task directories (issue 15 item 1).
    @UriParam(label = "common", description = "dispatch: the directory the agent works in, sent as the directory query parameter of every call"
            + " of the task's session (the CLI transport: --dir): absolute, or relative to workspacesRoot (unset: the project directory);"
            + " the task's directory key, then the CamelOpenCodeDirectory header, win. It must exist (and lie inside workspacesRoot when"
            + " that is set), else the task fails as invalid_task. Unset = the server's own directory."
            + " Consumer (events): only events of that directory's instance (and server-wide ones) are delivered; unset = every directory.")
    private String directory;
    @UriParam(label = "producer", description = "dispatch: the folder task directories are confined to (symbolic links and .. resolved first) and"
            + " relative ones resolve against; a directory outside it fails as invalid_task. Unset = no confinement, relative directories"
            + " resolve against the server's project directory (else the working directory).")
    private String workspacesRoot;

    /** @return a deep copy, so endpoints can change their copy without touching the component's */
    public OpenCodeConfiguration copy() {
        try {
            return (OpenCodeConfiguration) clone();
        } catch (CloneNotSupportedException impossible) {
            throw new RuntimeCamelException(impossible);
        }
    }

    /** @return whether dispatches are read-only */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** @param readOnly whether dispatches are read-only */
    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** @return how many stricter JSON retries an attempt gets in the same session */
    public int getJsonRetries() {
        return jsonRetries;
    }

    /** @param jsonRetries stricter JSON retries in the same session; 0 or more */
    public void setJsonRetries(int jsonRetries) {
        this.jsonRetries = jsonRetries;
    }

    /** @return the server URL, or {@code null} for the managed server */
    public String getServerUrl() {
        return serverUrl;
    }

    /** @param serverUrl the server URL; blank = managed server */
    public void setServerUrl(String serverUrl) {
        this.serverUrl = serverUrl;
    }

    /** @return the Basic auth user name */
    public String getUsername() {
        return username;
    }

    /** @param username the Basic auth user name */
    public void setUsername(String username) {
        this.username = username;
    }

    /** @return the Basic auth password, or {@code null} */
    public String getPassword() {
        return password;
    }

    /** @param password the Basic auth password */
    public void setPassword(String password) {
        this.password = password;
    }

    /** @return the lowest accepted server version, e.g. {@code 1.14.0}, or {@code null} for any */
    public String getMinServerVersion() {
        return minServerVersion;
    }

    /** @param minServerVersion the lowest accepted server version ({@code MAJOR.MINOR[.PATCH]}), or {@code null} for any */
    public void setMinServerVersion(String minServerVersion) {
        this.minServerVersion = minServerVersion;
    }

    /** @return the model as provider/model, or {@code null} */
    public String getModel() {
        return model;
    }

    /** @param model the model as provider/model */
    public void setModel(String model) {
        this.model = model;
    }

    /** @return the agent, or {@code null} */
    public String getAgent() {
        return agent;
    }

    /** @param agent the agent */
    public void setAgent(String agent) {
        this.agent = agent;
    }

    /** @return the extra system prompt, or {@code null} */
    public String getSystem() {
        return system;
    }

    /** @param system the extra system prompt */
    public void setSystem(String system) {
        this.system = system;
    }

    /** @return the default task title, or {@code null} */
    public String getTitle() {
        return title;
    }

    /** @param title the default task title */
    public void setTitle(String title) {
        this.title = title;
    }

    /** @return {@code text} or {@code json} */
    public String getExpect() {
        return expect;
    }

    /** @param expect {@code text} or {@code json} */
    public void setExpect(String expect) {
        this.expect = expect;
    }

    /** @return the JSON Schema text, or {@code null} */
    public String getSchema() {
        return schema;
    }

    /** @param schema the JSON Schema as JSON text */
    public void setSchema(String schema) {
        this.schema = schema;
    }

    /** @return the per-attempt deadline */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * @param timeout the per-attempt deadline; a text value set through Camel (URI, properties) is read by {@link DurationOptionConfigurer}:
     *     ISO-8601, Camel's form or whole seconds
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /** @return the session for the single-session operations, or {@code null} */
    public String getSessionId() {
        return sessionId;
    }

    /** @param sessionId the session id */
    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    /** @return the message limit, or {@code null} for all */
    public Integer getLimit() {
        return limit;
    }

    /** @param limit the message limit */
    public void setLimit(Integer limit) {
        this.limit = limit;
    }

    /** @return the comma-separated event types to deliver, or {@code null}/empty for all but server.heartbeat */
    public String getEventTypes() {
        return eventTypes;
    }

    /** @param eventTypes comma-separated event types, for example {@code session.idle,session.status} */
    public void setEventTypes(String eventTypes) {
        this.eventTypes = eventTypes;
    }

    /** @return how many events may wait for the route */
    public int getBufferSize() {
        return bufferSize;
    }

    /** @param bufferSize how many events may wait for the route; at least 1 */
    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    /** @return what happens when the events buffer is full */
    public BufferFullPolicy getBufferFullPolicy() {
        return bufferFullPolicy;
    }

    /** @param bufferFullPolicy what happens when the events buffer is full */
    public void setBufferFullPolicy(BufferFullPolicy bufferFullPolicy) {
        this.bufferFullPolicy = bufferFullPolicy;
    }

    /** @return how often a running dispatch re-reads status and messages */
    public Duration getPollInterval() {
        return pollInterval;
    }

    /**
     * @param pollInterval how often a running dispatch re-reads status and messages; a text value set through Camel (URI, properties) is read by {@link DurationOptionConfigurer}:
     *     ISO-8601, Camel's form or whole seconds
     */
    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** @return how long the server may stay unreachable */
    public Duration getServerLostTimeout() {
        return serverLostTimeout;
    }

    /**
     * @param serverLostTimeout how long the server may stay unreachable; a text value set through Camel (URI, properties) is read by {@link DurationOptionConfigurer}:
     *     ISO-8601, Camel's form or whole seconds
     */
    public void setServerLostTimeout(Duration serverLostTimeout) {
        this.serverLostTimeout = serverLostTimeout;
    }

    /** @return the HTTP request timeout of the short calls */
    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    /**
     * @param requestTimeout the HTTP request timeout of the short calls; a text value set through Camel (URI, properties) is read by {@link DurationOptionConfigurer}:
     *     ISO-8601, Camel's form or whole seconds
     */
    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    @Override
    public String toString() {
        return "OpenCodeConfiguration[serverUrl=" + (serverUrl == null ? "managed" : serverUrl) + ", username=" + username
                + ", password=" + (password == null ? "none" : "***") + ", model=" + model + ", agent=" + agent + "]";
    }

    /** @return {@code server} or {@code cli} */
    public String getTransport() {
        return transport;
    }

    /** @param transport {@code server} or {@code cli} */
    public void setTransport(String transport) {
        this.transport = transport;
    }

    /** @return comma-separated skill folders, or {@code null} */
    public String getSkills() {
        return skills;
    }

    /** @param skills comma-separated skill folders */
    public void setSkills(String skills) {
        this.skills = skills;
    }

    /** @return the task directory option (absolute, or relative to the workspaces root), or {@code null} */
    public String getDirectory() {
        return directory;
    }

    /** @param directory the task directory, see the option's description */
    public void setDirectory(String directory) {
        this.directory = directory;
    }

    /** @return the folder task directories are confined to, or {@code null} for none */
    public String getWorkspacesRoot() {
        return workspacesRoot;
    }

    /** @param workspacesRoot the folder task directories are confined to and relative ones resolve against */
    public void setWorkspacesRoot(String workspacesRoot) {
        this.workspacesRoot = workspacesRoot;
    }
}
