package dev.ssjvm.cli.config;

import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of {@code sslocal}, named as shadowsocks-libev's ss-local and ss-tunnel name them. */
public final class LocalOptions {
    @Mixin
    public CommonOptions common = new CommonOptions();

    @Option(names = {"-s", "--server-addr"}, paramLabel = "HOST", description = "Server host name or address.")
    public String server;

    @Option(names = {"-p", "--server-port"}, paramLabel = "PORT", description = "Server port.")
    public Integer serverPort;

    @Option(names = "--server-url", paramLabel = "ss://...", description = "Server as a SIP002 URL; repeat for several.")
    public List<String> serverUrls;

    @Option(names = {"-b", "--local-addr"}, paramLabel = "ADDRESS",
            description = "Local address to listen on (default 127.0.0.1).")
    public String localAddress;

    @Option(names = {"-l", "--local-port"}, paramLabel = "PORT", description = "Local port to listen on (default 1080).")
    public Integer localPort;

    @Option(names = "--protocol", paramLabel = "NAME",
            description = "What the local port speaks: socks (default; also SOCKS4 and HTTP proxy requests), http, "
                    + "tunnel (needs -L), dns, redir.")
    public String protocol;

    @Option(names = "-L", paramLabel = "HOST:PORT",
            description = "Tunnel mode (as ss-tunnel): forward the local port to this target through the server.")
    public String tunnelTarget;

    @Option(names = "--acl", paramLabel = "FILE",
            description = "ACL file (shadowsocks-libev/-rust format): which targets are connected directly"
                    + " (bypassed) and which go through the server (config: acl, also per locals entry).")
    public String acl;

    @Option(names = "--socks-user", paramLabel = "USER:PASSWORD",
            description = "Require SOCKS5 username/password authentication; repeat for several users.")
    public List<String> socksUsers;
}
