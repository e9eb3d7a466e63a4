package dev.ssjvm.service.local.socks;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.config.Mode;
import dev.ssjvm.service.local.FrontEnd;
import dev.ssjvm.service.local.FrontEndFactory;
import dev.ssjvm.service.local.LocalContext;
import dev.ssjvm.service.local.http.HttpFrontEnd;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import java.util.Map;

/**
 * The SOCKS front end: SOCKS5 (RFC 1928) with no authentication or, when users are configured,
 * username/password (RFC 1929); SOCKS4 and 4a for old clients when no authentication is required.
 * CONNECT relays through the servers when TCP is on; UDP ASSOCIATE, when UDP is on, gets a socket of
 * its own per association, so the listener itself needs none.
 *
 * <p>The port is mixed: a connection whose first byte is not a SOCKS version is an HTTP proxy client,
 * served by the HTTP front end's handlers ({@link HttpFrontEnd#install}) with the same users (Basic
 * authentication) and ACL.
 *
 * <p>Pipeline: {@link MixedDetector}, then for SOCKS Netty's version detection (which installs the
 * SOCKS4 or SOCKS5 codecs), {@link SocksAuthStage} and {@link SocksRequestStage}; each stage removes
 * itself when done.
 */
public final class SocksFrontEnd implements FrontEnd {
    private final LocalContext context;
    private final Map<String, String> users;
    private final Acl acl;
    private final Mode mode;

    private SocksFrontEnd(LocalListener listener, LocalContext context) {
        this.context = context;
        this.users = listener.users();
        this.acl = listener.acl();
        this.mode = context.settings().common().mode();
    }

    public static final class Factory implements FrontEndFactory {
        @Override
        public String protocol() {
            return LocalListener.SOCKS;
        }

        @Override
        public boolean authenticates() {
            return true;
        }

        @Override
        public FrontEnd create(LocalListener listener, LocalContext context) {
            if (listener.forwardTo() != null) {
                throw new IllegalArgumentException("a SOCKS listener takes its targets from its clients, not a"
                        + " fixed target");
            }
            listener.refuseResolvers();
            for (Map.Entry<String, String> user : listener.users().entrySet()) {
                if (user.getKey().isEmpty() || user.getKey().length() > 255 || user.getValue().length() > 255) {
                    throw new IllegalArgumentException("SOCKS5 user '" + user.getKey()
                            + "': RFC 1929 needs a name and allows at most 255 bytes for each");
                }
            }
            return new SocksFrontEnd(listener, context);
        }
    }

    @Override
    public boolean tcp() {
        return true; // UDP ASSOCIATE is asked for on a TCP connection too
    }

    @Override
    public void initTcp(SocketChannel channel) {
        // HTTP has nothing to offer without TCP relaying (-U): such a client is just closed
        channel.pipeline().addLast("mixed-detect", new MixedDetector(this::installSocks,
                mode.tcp() ? p -> HttpFrontEnd.install(p, context, acl, users) : null));
    }

    private void installSocks(ChannelPipeline pipeline) {
        pipeline.addLast("socks-detect", new SocksPortUnificationServerHandler())
                .addLast("socks-auth", new SocksAuthStage(users))
                .addLast("socks-request", new SocksRequestStage(context, acl, mode.tcp(), mode.udp()));
    }

    @Override
    public ChannelHandler newUdpHandler() {
        return null;
    }

    @Override
    public String describe() {
        return "SOCKS5 proxy" + (mode.udp() ? (mode.tcp() ? " (with UDP ASSOCIATE)" : " (UDP ASSOCIATE only)") : "")
                + (mode.tcp() ? ", SOCKS4/4a and HTTP proxy on the same port" : "")
                + (users.isEmpty() ? "" : " (username/password required)");
    }
}
