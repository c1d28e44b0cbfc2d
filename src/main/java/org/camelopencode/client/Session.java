package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An OpenCode session as returned by {@code POST /session} (fields may be null).
 *
 * @param id        session id, {@code ses_...}
 * @param slug      human-friendly slug
 * @param projectId project id ({@code projectID} on the wire)
 * @param directory working directory of the session
 * @param title     session title
 * @param version   OpenCode version that created it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Session(String id, String slug, @JsonProperty("projectID") String projectId, String directory,
                      String title, String version) {
}
