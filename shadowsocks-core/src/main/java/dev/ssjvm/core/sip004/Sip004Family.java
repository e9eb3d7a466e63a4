package dev.ssjvm.core.sip004;

import dev.ssjvm.core.protocol.ClientProtocols;
import dev.ssjvm.core.protocol.MethodFamily;
import dev.ssjvm.core.protocol.PortUsers;
import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.protocol.SaltPrefix;
import dev.ssjvm.core.protocol.ServerProtocols;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import java.util.List;

/** SIP004, the 2017 AEAD edition: one password per port; salts go through the Bloom filters. */
public final class Sip004Family implements MethodFamily {

    @Override
    public ServerProtocols server(CipherKind method, String password, List<UserKey> users, ProtocolContext context) {
        MethodKeys.checkServer(method, password, UserKey.byName(users));
        Sip004Key key = Sip004Key.of(method, password);
        return new ServerProtocols(
                new Sip004TcpProtocol(key, context.crypto(), context.replay().tcpSalts()),
                new Sip004UdpProtocol(key, context.crypto(), context.replay().udpSalts()),
                PortUsers.SINGLE_KEY);
    }

    @Override
    public ClientProtocols client(CipherKind method, String password, ProtocolContext context) {
        return client(method, password, null, context);
    }

    @Override
    public ClientProtocols client(CipherKind method, String password, byte[] prefix, ProtocolContext context) {
        MethodKeys.checkClient(method, password);
        SaltPrefix.check(method, prefix);
        byte[] saltPrefix = prefix == null || prefix.length == 0 ? null : prefix.clone();
        Sip004Key key = Sip004Key.of(method, password);
        return new ClientProtocols(
                new Sip004TcpProtocol(key, context.crypto(), context.replay().tcpSalts(), saltPrefix),
                new Sip004UdpProtocol(key, context.crypto(), context.replay().udpSalts(), saltPrefix));
    }
}
