package org.camelopencode.component;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.interaction.Approval;
import org.camelopencode.server.InstanceReport;

/**
 * Test servers that only dispatch (each test says how): no re-attach, no session client, no approvals, no reports,
 * no project directory unless a subclass names one. Used with {@link ScriptedComponent} by the component's unit tests.
 */
abstract class DispatchOnlyServers implements OpenCodeServers {

    @Override
    public CompletableFuture<DispatchResult> attach(DispatchRequest request, String serverName, String sessionId) {
        throw new UnsupportedOperationException("no re-attach in these tests");
    }

    @Override
    public OpenCodeClient clientFor(String sessionId) {
        throw new UnsupportedOperationException("no session client in these tests");
    }

    @Override
    public Session createSession(String title) {
        throw new UnsupportedOperationException("no createSession in these tests");
    }

    @Override
    public String approve(Approval approval) {
        throw new UnsupportedOperationException("no approvals in these tests");
    }

    @Override
    public ServerConnection primaryConnection() {
        return null;
    }

    @Override
    public Optional<Path> projectDirectory() {
        return Optional.empty();
    }

    @Override
    public List<InstanceReport> reports() {
        return List.of();
    }

    @Override
    public List<ServerInUse> inUse() {
        return List.of();
    }

    @Override
    public List<DispatchProgress> progress() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
