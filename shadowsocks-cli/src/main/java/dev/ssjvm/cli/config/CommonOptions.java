package dev.ssjvm.cli.config;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Flags that {@code ssserver} and {@code sslocal} share, named as in shadowsocks-libev. */
public final class CommonOptions {
    @Option(names = "-c", paramLabel = "CONFIG", description = "JSON config file (keys as shadowsocks-libev/-rust).")
    public Path config;

    @Option(names = {"-k", "--password"}, paramLabel = "PASSWORD",
            description = "Password (or base64 key for the 2022 methods).")
    public String password;

    @Option(names = {"-m", "--encrypt-method"}, paramLabel = "METHOD",
            description = "Encryption method (default chacha20-ietf-poly1305).")
    public String method;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Idle timeout (default 300).")
    public Integer timeout;

    @Option(names = "-u", description = "Relay UDP as well as TCP.")
    public boolean tcpAndUdp;

    @Option(names = "-U", description = "Relay UDP only.")
    public boolean udpOnly;

    @Option(names = {"-d", "--nameserver"}, paramLabel = "IP[:PORT]",
            description = "DNS servers to use instead of the system's; comma-separated or repeated.")
    public List<String> nameServers;

    @Option(names = "-6", description = "Prefer IPv6 answers when resolving names.")
    public boolean ipv6First;

    @Option(names = "--no-delay", negatable = true, description = "Set TCP_NODELAY (default on).")
    public Boolean noDelay;

    @Option(names = "--fast-open", description = "TCP Fast Open (listening sockets of a server, connections of a client).")
    public boolean fastOpen;

    @Option(names = "--reuse-port", description = "Set SO_REUSEPORT on listening sockets.")
    public boolean reusePort;

    @Option(names = "--udp-timeout", paramLabel = "SECONDS",
            description = "Idle time after which a UDP association is dropped (default: the -t timeout).")
    public Integer udpTimeout;

    @Option(names = "--udp-max-associations", paramLabel = "N",
            description = "UDP associations kept per port or tunnel, least recently used dropped first (default 4096).")
    public Integer udpMaxAssociations;

    @Option(names = "--plugin", paramLabel = "PLUGIN", description = "SIP003 plugin.")
    public String plugin;

    @Option(names = "--plugin-opts", paramLabel = "OPTS", description = "SIP003 plugin options.")
    public String pluginOptions;

    @Option(names = "--crypto-backend", paramLabel = "NAME",
            description = "Crypto backend to prefer (default: fastest available).")
    public String cryptoBackend;

    @Option(names = "--transport", paramLabel = "NAME", description = "auto, epoll, kqueue or nio (default auto).")
    public String transport;

    @Option(names = "--workers", paramLabel = "N", description = "Event loop threads (default: one per CPU).")
    public Integer workers;

    @Option(names = {"-f", "--pid-file"}, paramLabel = "FILE", description = "Write the process id to this file.")
    public Path pidFile;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Log to this file instead of stderr; rolled daily and at 10 MB, gzipped, 7 days kept.")
    public Path logFile;

    @Option(names = "--test-config", description = "Check the -c config file, report every problem with a fix, and"
            + " exit (0 when it is OK); nothing is bound or started.")
    public boolean testConfig;

    @Option(names = {"-v", "--verbose"}, description = "More logging: -v logs every connection, -vv everything.")
    public boolean[] verbose = new boolean[0];
}
