package org.camelopencode.component;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of {@code opencode:dispatch} with {@code transport=cli} (label {@code cli}): where and how the
 * {@code opencode run} processes run. Set on the component, they are the defaults every endpoint copies; set on an
 * endpoint URI ({@code opencode:dispatch?transport=cli&cliDirectory=...}), they apply to that endpoint only.
 */
@UriParams
public class CliConfiguration implements Cloneable {

    @UriParam(label = "producer,cli", description = "dispatch with transport=cli: the project directory the agent works in: the opencode run process starts in it (and passes it as --dir with cliAttach);"
            + " also where skills are linked for an external server. Unset = the managed server's project directory, else the working directory.")
    private String cliDirectory;
    @UriParam(label = "producer,cli", secret = true, description = "dispatch with transport=cli: OpenCode config JSON passed as OPENCODE_CONFIG_CONTENT"
            + " (providers, model, permissions); unset = the user's own config files. Never logged.")
    private String cliConfig;
    @UriParam(label = "producer,cli", description = "dispatch with transport=cli: a folder for a private HOME and XDG folders of the runs;"
            + " unset = the user's own (their opencode auth login credentials and sessions).")
    private String cliStateDirectory;
    @UriParam(label = "producer,cli", defaultValue = "false", description = "dispatch with transport=cli: run with --attach to this"
            + " component's server (serverUrl, or the managed server); the password goes in the environment, never on the command line.")
    private boolean cliAttach;
    @UriParam(label = "producer,cli", defaultValue = "4", description = "dispatch with transport=cli: how many opencode run processes"
            + " an endpoint runs at once (each takes a few hundred MB); more attempts wait, their deadline running.")
    private int cliConcurrency = 4;
    @UriParam(label = "producer,cli", description = "dispatch with transport=cli: comma-separated files attached to the prompt (--file),"
            + " relative to the project directory.")
    private String files;
    @UriParam(label = "producer,cli", defaultValue = "false", description = "dispatch with transport=cli: go on in the last session"
            + " of the project directory (--continue) instead of a fresh one.")
    private boolean cliContinue;
    @UriParam(label = "producer,cli", description = "dispatch with transport=cli: go on in this session (--session ses_...) instead of a fresh one.")
    private String cliSession;

    /** @return a copy, so endpoints can change their copy without touching the component's */
    public CliConfiguration copy() {
        try {
            return (CliConfiguration) clone();
        } catch (CloneNotSupportedException impossible) {
            throw new RuntimeCamelException(impossible);
        }
    }

    /** @return the CLI project directory, or {@code null} */
    public String getCliDirectory() {
        return cliDirectory;
    }

    /** @param cliDirectory the CLI project directory */
    public void setCliDirectory(String cliDirectory) {
        this.cliDirectory = cliDirectory;
    }

    /** @return the CLI's OpenCode config JSON, or {@code null} */
    public String getCliConfig() {
        return cliConfig;
    }

    /** @param cliConfig OpenCode config JSON for the CLI runs */
    public void setCliConfig(String cliConfig) {
        this.cliConfig = cliConfig;
    }

    /** @return the CLI runs' private state folder, or {@code null} */
    public String getCliStateDirectory() {
        return cliStateDirectory;
    }

    /** @param cliStateDirectory a folder for the CLI runs' private HOME and XDG folders */
    public void setCliStateDirectory(String cliStateDirectory) {
        this.cliStateDirectory = cliStateDirectory;
    }

    /** @return whether CLI runs attach to the component's server */
    public boolean isCliAttach() {
        return cliAttach;
    }

    /** @param cliAttach whether CLI runs attach to the component's server */
    public void setCliAttach(boolean cliAttach) {
        this.cliAttach = cliAttach;
    }

    /** @return how many CLI runs an endpoint runs at once */
    public int getCliConcurrency() {
        return cliConcurrency;
    }

    /** @param cliConcurrency how many CLI runs an endpoint runs at once; at least 1 */
    public void setCliConcurrency(int cliConcurrency) {
        this.cliConcurrency = cliConcurrency;
    }

    /** @return comma-separated files for --file, or {@code null} */
    public String getFiles() {
        return files;
    }

    /** @param files comma-separated files for --file */
    public void setFiles(String files) {
        this.files = files;
    }

    /** @return whether CLI runs go on in the last session */
    public boolean isCliContinue() {
        return cliContinue;
    }

    /** @param cliContinue whether CLI runs go on in the last session */
    public void setCliContinue(boolean cliContinue) {
        this.cliContinue = cliContinue;
    }

    /** @return the session CLI runs go on in, or {@code null} */
    public String getCliSession() {
        return cliSession;
    }

    /** @param cliSession the session CLI runs go on in */
    public void setCliSession(String cliSession) {
        this.cliSession = cliSession;
    }
}
