package dev.ssjvm.core.stream;

import dev.ssjvm.core.protocol.ClientProtocols;
import dev.ssjvm.core.protocol.MethodFamily;
import dev.ssjvm.core.protocol.PortUsers;
import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.protocol.ServerProtocols;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import dev.ssjvm.crypto.StreamCiphers;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy stream ciphers (before SIP004): one password per port, EVP_BytesToKey, a random IV per
 * connection direction and per UDP packet, no authentication. Only ever used when a config names
 * one; the first use of each method in a process logs that it is insecure.
 */
public final class StreamFamily implements MethodFamily {
    private static final Logger LOG = LoggerFactory.getLogger(StreamFamily.class);
    private static final Set<CipherKind> WARNED = ConcurrentHashMap.newKeySet();

    @Override
    public ServerProtocols server(CipherKind method, String password, List<UserKey> users, ProtocolContext context) {
        MethodKeys.checkServer(method, password, UserKey.byName(users));
        warnOnce(method);
        byte[] key = StreamCiphers.masterKey(method, password);
        return new ServerProtocols(
                new StreamTcpProtocol(method, key, context.replay().tcpSalts()),
                new StreamUdpProtocol(method, key, context.replay().udpSalts()),
                PortUsers.SINGLE_KEY);
    }

    @Override
    public ClientProtocols client(CipherKind method, String password, ProtocolContext context) {
        MethodKeys.checkClient(method, password);
        warnOnce(method);
        byte[] key = StreamCiphers.masterKey(method, password);
        return new ClientProtocols(
                new StreamTcpProtocol(method, key, context.replay().tcpSalts()),
                new StreamUdpProtocol(method, key, context.replay().udpSalts()));
    }

    private static void warnOnce(CipherKind method) {
        if (WARNED.add(method)) {
            LOG.warn("method {} is a legacy stream cipher: it is INSECURE (no authentication, anyone on the path can"
                    + " tamper with the traffic); use it only for old clients, and prefer an AEAD method", method);
        }
    }
}
