package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Timestamps of a message in epoch milliseconds.
 *
 * @param created   when the message was created
 * @param completed when an assistant message finished (also set on errors and aborts), else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageTime(Long created, Long completed) {
}
