package org.camelopencode.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on {@code 127.0.0.1} for the brokers, databases and runners these tests start. */
final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port free at the moment of the call (the OS picks it; another process could take it before it is bound again).
     *
     * @return the port number
     * @throws UncheckedIOException when no socket can be opened
     */
    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
