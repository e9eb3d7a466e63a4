package dev.ssjvm.cli.config;

import java.nio.file.Path;
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
            description = "Require SOCKS5 username/password (and, for HTTP proxy clients, Basic) authentication;"
                    + " repeat for several users.")
    public List<String> socksUsers;

    @Option(names = "--online-config-url", paramLabel = "URL",
            description = "Load the servers from a SIP008 document or an Outline dynamic access key (https:// or"
                    + " ssconf://) and refresh them periodically.")
    public String onlineConfigUrl;

    @Option(names = "--online-config-update-interval", paramLabel = "SECONDS",
            description = "How often the online config is fetched again (default 3600).")
    public Integer onlineConfigUpdateInterval;

    @Option(names = "--online-config-ca-file", paramLabel = "PEM",
            description = "Trust these CA certificates (PEM) for the online config's HTTPS instead of the system's.")
    public Path onlineConfigCaFile;
    @Option(names = "--local-dns-addr", paramLabel = "IP[:PORT]",
            description = "With --protocol dns: the resolver asked directly for the names the ACL bypasses (port 53 "
                    + "unless given).")
    public String localDns;

    @Option(names = "--remote-dns-addr", paramLabel = "HOST[:PORT]",
            description = "With --protocol dns: the resolver asked through the server for every other name (port 53 "
                    + "unless given).")
    public String remoteDns;
}
