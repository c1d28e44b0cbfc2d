package org.camelopencode.client;

/**
 * One frame of {@code GET /global/event}: {@code {directory?, project?, payload}}.
 *
 * @param directory the instance directory, may be null
 * @param project   the project id, may be null
 * @param event     the parsed payload
 */
public record GlobalEvent(String directory, String project, OpenCodeEvent event) {
}
