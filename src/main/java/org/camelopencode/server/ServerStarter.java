package org.camelopencode.server;

/** Starts the server of one managed fleet instance; tests replace it with fakes. */
@FunctionalInterface
public interface ServerStarter {

    /**
     * @param index instance number from 1
     * @return the healthy server
     * @throws ManagedServerException when it cannot start (the message holds the log tail)
     */
    RunningServer start(int index);
}
