package dev.ssjvm.core.sip022;

import dev.ssjvm.core.protocol.ClientProtocols;
import dev.ssjvm.core.protocol.MethodFamily;
import dev.ssjvm.core.protocol.ProtocolContext;
import dev.ssjvm.core.protocol.ServerProtocols;
import dev.ssjvm.core.protocol.UserKey;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.MethodKeys;
import java.util.List;

/**
 * SIP022, the 2022 edition: base64 PSKs, timestamps and the exact salt pool; SIP023 users on a
 * multi-user port, whose table the port's TCP and UDP protocols share.
 */
public final class Sip022Family implements MethodFamily {

    @Override
    public ServerProtocols server(CipherKind method, String password, List<UserKey> users, ProtocolContext context) {
        MethodKeys.checkServer(method, password, UserKey.byName(users));
        Sip022Users table = new Sip022Users(method, !users.isEmpty(), users);
        return new ServerProtocols(
                Sip022TcpServerProtocol.create(method, password, table, context.crypto(), context.replay().saltPool(),
                        context.replay().clock()),
                Sip022UdpServerProtocol.create(method, password, table, context.crypto(), context.replay().clock()),
                table);
    }

    @Override
    public ClientProtocols client(CipherKind method, String password, ProtocolContext context) {
        MethodKeys.checkClient(method, password);
        return new ClientProtocols(
                Sip022TcpClientProtocol.create(method, password, context.crypto(), context.replay().clock()),
                Sip022UdpClientProtocol.create(method, password, context.crypto(), context.replay().clock()));
    }
}
