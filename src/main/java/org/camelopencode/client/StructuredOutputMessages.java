package org.camelopencode.client;

import java.util.List;

/**
 * A quirk of OpenCode 1.18.33 (checked on the pinned server): {@code GET /session/{id}/message} answers 400
 * ({@code "Expected OutputFormatJsonSchema"}) for any message list that includes a user message sent with
 * {@code format: {"type":"json_schema"}}, while the messages after it still read with {@code ?limit=N}. This reads the
 * newest messages with a growing limit until the server refuses, so the reply to a structured-output prompt can be
 * judged. Other OpenCode versions may not need it; it costs nothing when the full list reads.
 */
final class StructuredOutputMessages {

    /** The most messages read with a limit; more than any turn after a schema prompt writes in practice. */
    static final int MAX_NEWEST = 64;

    private StructuredOutputMessages() {
    }

    /**
     * @param client the client
     * @param sessionId the session
     * @return every message, oldest first, or, when the server refuses the full list with 400, the newest readable
     *     ones (none when the newest message is the schema prompt itself)
     * @throws OpenCodeApiException for any other refusal
     */
    static List<MessageWithParts> read(OpenCodeClient client, String sessionId) {
        try {
            return client.messages(sessionId, null);
        } catch (OpenCodeApiException refused) {
            if (refused.statusCode() != 400) {
                throw refused;
            }
            return newestReadable(client, sessionId);
        }
    }

    private static List<MessageWithParts> newestReadable(OpenCodeClient client, String sessionId) {
        List<MessageWithParts> readable;
        try {
            readable = client.messages(sessionId, 1);
        } catch (OpenCodeApiException refused) {
            if (refused.statusCode() != 400) {
                throw refused;
            }
            // The newest message is the schema prompt itself (a follow-up not answered yet): no reply to read.
            return List.of();
        }
        for (int limit = 2; limit <= MAX_NEWEST && readable.size() == limit - 1; limit++) {
            try {
                readable = client.messages(sessionId, limit);
            } catch (OpenCodeApiException refused) {
                if (refused.statusCode() != 400) {
                    throw refused;
                }
                break;
            }
        }
        return readable;
    }
}
