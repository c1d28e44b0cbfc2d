package org.camelopencode.client;

/**
 * What camel-opencode uses of an OpenCode 1.x server, one column each of the conformance table ({@code ./conformance.sh},
 * README "OpenCode versions").
 */
public enum ServerFeature {

    /** Dispatch over HTTP: {@code POST /session}, {@code prompt_async}, {@code GET /event}, the completion gate. */
    SERVER_TRANSPORT("server transport"),
    /** Dispatch through {@code opencode run --format json} (NDJSON on standard output). */
    CLI_TRANSPORT("CLI transport"),
    /** The {@code question} tool: {@code question.asked} events, {@code GET /question}, {@code POST /question/{id}/reply}. */
    QUESTIONS("questions"),
    /** {@code format: {"type":"json_schema"}} on a prompt, answered in {@code info.structured}. */
    STRUCTURED_OUTPUT("structured output"),
    /** The {@code opencode:events} consumer: the shared {@code GET /event} stream with its reconnects. */
    EVENTS_CONSUMER("events consumer"),
    /** Skill folders ({@code .opencode/skills/<name>/SKILL.md}) listed to the model and readable by it. */
    SKILLS("skills");

    private final String label;

    ServerFeature(String label) {
        this.label = label;
    }

    /** @return the feature's name in log lines and the README table, e.g. {@code structured output} */
    public String label() {
        return label;
    }
}
