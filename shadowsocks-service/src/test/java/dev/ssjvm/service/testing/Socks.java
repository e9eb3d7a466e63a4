package dev.ssjvm.service.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;

/** Client connections through a SOCKS proxy, made by the JDK's own SOCKS client (not our code). */
public final class Socks {
    private Socks() {}

    /** Connects through the SOCKS proxy at {@code proxy} to {@code host:port}, sending the name unresolved. */
    public static Socket connect(InetSocketAddress proxy, String host, int port) throws IOException {
        Socket socket = new Socket(new Proxy(Proxy.Type.SOCKS, proxy));
        socket.setSoTimeout(30_000);
        socket.connect(InetSocketAddress.createUnresolved(host, port), 10_000);
        return socket;
    }
}
