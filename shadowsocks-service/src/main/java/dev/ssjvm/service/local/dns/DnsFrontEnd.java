package dev.ssjvm.service.local.dns;

import dev.ssjvm.core.address.HostAndPort;
import dev.ssjvm.service.config.LocalListener;
import dev.ssjvm.service.local.FrontEnd;
import dev.ssjvm.service.local.FrontEndFactory;
import dev.ssjvm.service.local.LocalContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The DNS front end ({@code --protocol dns}, as shadowsocks-rust's): a DNS server on UDP and TCP (both
 * on the listener's port) that asks the local resolver for the names the listener's ACL bypasses and
 * the remote resolver, through the Shadowsocks server, for every other name, with a cache in front of
 * both. So a resolver on a network that forges answers is asked only about names it may answer.
 *
 * <p>A name is routed by the ACL's name rules. For a name none matches both resolvers are asked, as
 * shadowsocks-rust does, and the local answer is kept when one of its addresses is bypassed by the ACL's
 * address rules (when it has none: when bypass is the default); else the remote answer is given. A
 * listener without an ACL asks the remote resolver alone.
 */
public final class DnsFrontEnd implements FrontEnd {
    /** How long a query may wait for its answer before the client gets SERVFAIL. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** Answers kept per front end. */
    static final int CACHE_ENTRIES = 4096;
    /** A TCP query is at most 65535 bytes, after its two-byte length. */
    private static final int MAX_FRAME = 2 + 65535;

    private final DnsForwarder forwarder;
    private final InetSocketAddress localDns;
    private final InetSocketAddress remoteDns;

    private DnsFrontEnd(LocalListener listener, LocalContext context) {
        this.localDns = listener.localDns();
        this.remoteDns = listener.remoteDns();
        this.forwarder = new DnsForwarder(context, listener.acl(), localDns, remoteDns, new DnsCache(CACHE_ENTRIES),
                QUERY_TIMEOUT);
    }

    public static final class Factory implements FrontEndFactory {
        @Override
        public String protocol() {
            return LocalListener.DNS;
        }

        @Override
        public FrontEnd create(LocalListener listener, LocalContext context) {
            if (listener.localDns() == null || listener.remoteDns() == null) {
                throw new IllegalArgumentException("a DNS listener needs a local and a remote resolver"
                        + " (local_dns_address and remote_dns_address, or --local-dns-addr and --remote-dns-addr)");
            }
            if (listener.localDns().isUnresolved()) {
                throw new IllegalArgumentException("the local resolver must be an IP address, not '"
                        + listener.localDns().getHostString() + "': it is what names are looked up with");
            }
            if (listener.forwardTo() != null) {
                throw new IllegalArgumentException("a DNS listener forwards to its resolvers, not a fixed target");
            }
            if (!listener.users().isEmpty()) {
                throw new IllegalArgumentException("a DNS listener has no authentication; users are for SOCKS"
                        + " listeners");
            }
            return new DnsFrontEnd(listener, context);
        }
    }

    @Override
    public boolean tcp() {
        return true; // clients' TCP is local; how queries leave is the mode's business
    }

    @Override
    public void initTcp(SocketChannel channel) {
        channel.pipeline()
                .addLast("dns-frame", new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 2, 0, 2))
                .addLast("dns-length", new LengthFieldPrepender(2))
                .addLast("dns", new DnsTcpHandler(forwarder));
    }

    @Override
    public ChannelHandler newUdpHandler() {
        return new DnsUdpHandler(forwarder);
    }

    @Override
    public String describe() {
        return "DNS server (local resolver " + HostAndPort.format(localDns) + ", remote resolver "
                + HostAndPort.format(remoteDns) + " through the server)";
    }
}
