package org.camelopencode.component;

import java.time.Duration;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of the component's background work (component options only, label {@code advanced}): the progress
 * logger's interval and how long finished sessions are kept before the retention sweeper deletes them. Read when the
 * component starts ({@link ComponentServices}); the runner sets them from {@code opencode.progress-interval} and
 * {@code opencode.sessions.retention}.
 */
@UriParams
public class ServicesConfiguration {

    @UriParam(label = "advanced", javaType = "java.time.Duration", description = "How often to log one progress line per dispatch in flight (state,"
            + " elapsed time, tool calls, tokens, cost, from the session's events): ISO-8601, Camel's form such as 10s, or whole seconds;"
            + " unset or 0 = never.")
    private Duration progressInterval;
    @UriParam(label = "advanced", javaType = "java.time.Duration", description = "Session retention (needs the ledger): sessions of attempts the"
            + " ledger has marked finished are deleted from their server (DELETE /session/{id}) once they ended longer ago than this (ISO-8601"
            + " such as P7D); a session a running entry names is never deleted. One INFO line per sweep. Unset = sessions are kept.")
    private Duration sessionRetention;

    /** @return the progress log interval, or {@code null} when off */
    public Duration getProgressInterval() {
        return progressInterval;
    }

    /** @param progressInterval the time between progress lines; {@code null} or zero = no progress lines */
    public void setProgressInterval(Duration progressInterval) {
        this.progressInterval = progressInterval;
    }

    /** @return how long finished sessions are kept before they are deleted, or {@code null} when they are kept */
    public Duration getSessionRetention() {
        return sessionRetention;
    }

    /** @param sessionRetention how long finished sessions are kept (needs the ledger); {@code null} or zero = kept */
    public void setSessionRetention(Duration sessionRetention) {
        this.sessionRetention = sessionRetention;
    }
}
