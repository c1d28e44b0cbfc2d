package org.camelopencode.testkit;

/**
 * One request received by {@link ScriptedModelServer} on {@code POST /v1/chat/completions}, as seen on the wire.
 * The {@code Authorization} header is never recorded.
 *
 * @param model            the request's {@code model} field (the model id without the provider prefix), or {@code ""}
 * @param stream           whether the request asked for {@code stream: true}
 * @param toolsPresent     whether the request carried a non-empty {@code tools} array
 * @param titleRequest     whether it was OpenCode's title-generation call (answered automatically, never scripted)
 * @param latestUserText   text of the latest {@code role: "user"} message (string content or the joined text parts), or {@code ""}
 * @param lastMessageRole  role of the last message ({@code user}, {@code tool}, {@code assistant}, ...), or {@code ""};
 *                         {@code tool} means this is the follow-up request carrying a tool result
 * @param systemPrompt     the joined text of the {@code role: "system"} messages, or {@code ""}
 * @param messagesJson     the raw {@code messages} array as JSON
 * @param bodyJson         the whole raw request body
 */
public record RecordedRequest(
        String model,
        boolean stream,
        boolean toolsPresent,
        boolean titleRequest,
        String latestUserText,
        String lastMessageRole,
        String systemPrompt,
        String messagesJson,
        String bodyJson) {

    /** Short form without the (large) message and body JSON. */
    @Override
    public String toString() {
        return "RecordedRequest[model=" + model + ", stream=" + stream + ", toolsPresent=" + toolsPresent
                + ", titleRequest=" + titleRequest + ", lastMessageRole=" + lastMessageRole
                + ", latestUserText=" + abbreviate(latestUserText) + "]";
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
