package dev.ssjvm.cli.config;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags of {@code sslocal}, named as shadowsocks-libev's ss-local and ss-tunnel name them. */
public final class LocalOptions {
    @Option(names = "-c", paramLabel = "CONFIG", description = "JSON config file (keys as shadowsocks-libev/-rust).")
    public Path config;

    @Option(names = {"-s", "--server-addr"}, paramLabel = "HOST", description = "Server host name or address.")
    public String server;

    @Option(names = {"-p", "--server-port"}, paramLabel = "PORT", description = "Server port.")
    public Integer serverPort;

    @Option(names = {"-k", "--password"}, paramLabel = "PASSWORD",
            description = "Password (or base64 key for the 2022 methods).")
    public String password;

    @Option(names = {"-m", "--encrypt-method"}, paramLabel = "METHOD",
            description = "Encryption method (default chacha20-ietf-poly1305).")
    public String method;

    @Option(names = "--server-url", paramLabel = "ss://...", description = "Server as a SIP002 URL; repeat for several.")
    public List<String> serverUrls;

    @Option(names = {"-b", "--local-addr"}, paramLabel = "ADDRESS", description = "Local address to listen on (default 127.0.0.1).")
    public String localAddress;

    @Option(names = {"-l", "--local-port"}, paramLabel = "PORT", description = "Local port to listen on (default 1080).")
    public Integer localPort;

    @Option(names = "-L", paramLabel = "HOST:PORT",
            description = "Tunnel mode (as ss-tunnel): forward the local port to this target through the server.")
    public String tunnelTarget;

    @Option(names = "--socks-user", paramLabel = "USER:PASSWORD",
            description = "Require SOCKS5 username/password authentication; repeat for several users.")
    public List<String> socksUsers;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Idle timeout (default 300).")
    public Integer timeout;

    @Option(names = "-u", description = "Relay UDP as well as TCP.")
    public boolean tcpAndUdp;

    @Option(names = "-U", description = "Relay UDP only.")
    public boolean udpOnly;

    @Option(names = {"-d", "--nameserver"}, paramLabel = "IP[:PORT]",
            description = "DNS servers for resolving the server's name; comma-separated or repeated.")
    public List<String> nameServers;

    @Option(names = "-6", description = "Prefer IPv6 when resolving the server's name.")
    public boolean ipv6First;

    @Option(names = "--no-delay", negatable = true, description = "Set TCP_NODELAY (default on).")
    public Boolean noDelay;

    @Option(names = "--plugin", paramLabel = "PLUGIN", description = "SIP003 plugin.")
    public String plugin;

    @Option(names = "--plugin-opts", paramLabel = "OPTS", description = "SIP003 plugin options.")
    public String pluginOptions;

    @Option(names = "--crypto-backend", paramLabel = "NAME", description = "Crypto backend to prefer (default: fastest available).")
    public String cryptoBackend;

    @Option(names = "--transport", paramLabel = "NAME", description = "auto, epoll, kqueue or nio (default auto).")
    public String transport;

    @Option(names = "--workers", paramLabel = "N", description = "Event loop threads (default: one per CPU).")
    public Integer workers;

    @Option(names = {"-f", "--pid-file"}, paramLabel = "FILE", description = "Write the process id to this file.")
    public Path pidFile;

    @Option(names = {"-v", "--verbose"}, description = "More logging: -v logs every connection, -vv everything.")
    public boolean[] verbose = new boolean[0];
}
