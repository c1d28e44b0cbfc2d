package org.camelopencode.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.server.InstanceReport;

/**
 * The servers a component's endpoints use, chosen once per endpoint: one {@link DirectServer} per {@code serverUrl},
 * user and password (shared by every endpoint naming the same), else the component's one {@link FleetServers}, made
 * on first use from the fleet's options. Nothing connects or starts when a server is chosen. Closed with the component.
 */
final class ServerRegistry implements AutoCloseable {

    private final Map<String, DirectServer> directServers = new ConcurrentHashMap<>();
    private final Supplier<ManagedFleetConfiguration> fleetConfiguration;
    private final Consumer<Duration> gateLatency;
    private FleetServers fleetServers;

    /**
     * @param fleetConfiguration the fleet's options, read when an endpoint without {@code serverUrl} first asks
     * @param gateLatency told how long each completion gate took (the dispatch meters)
     */
    ServerRegistry(Supplier<ManagedFleetConfiguration> fleetConfiguration, Consumer<Duration> gateLatency) {
        this.fleetConfiguration = fleetConfiguration;
        this.gateLatency = gateLatency;
    }

    /**
     * @param endpointConfiguration the endpoint's options ({@code serverUrl}, {@code username}, {@code password} and the
     *     connection timeouts)
     * @return the endpoint's {@code serverUrl} as a direct server when set, else the fleet
     */
    OpenCodeServers serversFor(OpenCodeConfiguration endpointConfiguration) {
        String url = endpointConfiguration.getServerUrl();
        if (url == null || url.isBlank()) {
            synchronized (this) {
                if (fleetServers == null) {
                    fleetServers = new FleetServers(fleetConfiguration.get(), endpointConfiguration, gateLatency);
                }
                return fleetServers;
            }
        }
        ServerEndpoint server = ServerEndpoint.of(url, endpointConfiguration.getUsername(), endpointConfiguration.getPassword());
        String key = server.baseUri() + "|" + server.username() + "|" + (server.hasPassword() ? server.password().hashCode() : 0);
        return directServers.computeIfAbsent(key, ignored -> new DirectServer(() -> ServerConnection.open(server.baseUri().toString(),
                server, endpointConfiguration, gateLatency)));
    }

    /** @return the fleet (when an endpoint chose it) first, then the direct servers */
    private List<OpenCodeServers> all() {
        List<OpenCodeServers> all = new ArrayList<>();
        synchronized (this) {
            if (fleetServers != null) {
                all.add(fleetServers);
            }
        }
        all.addAll(directServers.values());
        return all;
    }

    /** @return one report per server in use (fleet instances, then direct servers, read now); no passwords */
    List<InstanceReport> reports() {
        List<InstanceReport> reports = new ArrayList<>();
        all().forEach(servers -> reports.addAll(servers.reports()));
        return reports;
    }

    /** @return the fleet's instance reports, empty when no endpoint chose the fleet */
    synchronized List<InstanceReport> fleetReports() {
        return fleetServers == null ? List.of() : fleetServers.reports();
    }

    /** @return what every dispatch in flight over HTTP is doing, from each session's events */
    List<DispatchProgress> progress() {
        List<DispatchProgress> progress = new ArrayList<>();
        all().forEach(servers -> progress.addAll(servers.progress()));
        return progress;
    }

    /** @return the servers in use now with their connections (fleet instances, direct servers) */
    List<ServerInUse> inUse() {
        List<ServerInUse> servers = new ArrayList<>();
        all().forEach(each -> servers.addAll(each.inUse()));
        return servers;
    }

    /** @return the client of every connected server by its name (the first when two share one), for session retention */
    Map<String, OpenCodeClient> clientsByName() {
        return inUse().stream().filter(server -> server.connection() != null)
                .collect(Collectors.toMap(ServerInUse::name, server -> server.connection().client(), (first, second) -> first));
    }

    /** Closes the direct servers' connections and the fleet (stopping its managed servers). */
    @Override
    public void close() {
        directServers.values().forEach(DirectServer::close);
        synchronized (this) {
            if (fleetServers != null) {
                fleetServers.close();
            }
        }
    }
}
