package io.chatplatform.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolves the ports of all servers before any of them starts, so a taken port fails the start up front. */
final class Ports {

    private Ports() {
    }

    /**
     * Checks the requested ports ({@code > 0}) are free and picks free ports for the others ({@code 0}).
     *
     * @param requested port per component name, in the order errors should be reported
     * @return the port per component name
     * @throws IllegalStateException naming the component and the port if a requested port is taken or requested twice
     */
    static Map<String, Integer> resolve(String host, Map<String, Integer> requested) {
        InetAddress address = address(host);
        Map<String, Integer> resolved = new LinkedHashMap<>();
        Map<Integer, String> owners = new LinkedHashMap<>();
        requested.forEach((component, port) -> {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(component + " port " + port + " is not a valid port");
            }
            if (port == 0) {
                return;
            }
            String owner = owners.putIfAbsent(port, component);
            if (owner != null) {
                throw new IllegalStateException(
                        component + " port " + port + " is already configured for " + owner);
            }
            if (!isFree(address, port)) {
                throw new IllegalStateException(component + " port " + port + " is already in use on " + host);
            }
            resolved.put(component, port);
        });
        // Sockets stay open until every free port is picked, so two components never get the same one.
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (Map.Entry<String, Integer> entry : requested.entrySet()) {
                if (entry.getValue() == 0) {
                    ServerSocket socket = new ServerSocket(0, 1, address);
                    held.add(socket);
                    resolved.put(entry.getKey(), socket.getLocalPort());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not find a free port on " + host, e);
        } finally {
            held.forEach(Ports::closeQuietly);
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        requested.keySet().forEach(component -> ordered.put(component, resolved.get(component)));
        return ordered;
    }

    static boolean isFree(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalArgumentException("Unknown host " + host, e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // The port was only probed; nothing was served on it.
        }
    }
}
