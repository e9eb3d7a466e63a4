package dev.ssjvm.cli.config;

import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of {@code ssserver}, named as shadowsocks-libev's ss-server names them. */
public final class ServerOptions {
    @Mixin
    public CommonOptions common = new CommonOptions();

    @Option(names = {"-s", "--server-addr"}, paramLabel = "HOST",
            description = "Address to listen on; repeat for several (default 0.0.0.0).")
    public List<String> hosts;

    @Option(names = {"-p", "--server-port"}, paramLabel = "PORT", description = "Port to listen on.")
    public Integer port;

    @Option(names = {"-b", "--outbound-bind-addr"}, paramLabel = "ADDRESS",
            description = "Local address for outgoing connections (config: outbound_bind_addr).")
    public String outboundBind;

    @Option(names = "--forbidden-ip", paramLabel = "CIDRS",
            description = "Targets to refuse, comma-separated CIDRs (default 127.0.0.0/8,::1/128; '' allows all).")
    public String forbiddenIp;

    @Option(names = {"--manager-address", "--manager-addr"}, paramLabel = "HOST:PORT|PATH",
            description = "The ss-manager socket, UDP or a Unix datagram socket path: ssserver reports its traffic"
                    + " there (and with -f detaches once started, as libev's ss-server does for ss-manager);"
                    + " ssmanager takes commands there.")
    public String managerAddress;

    @Option(names = "--api-address", paramLabel = "HOST:PORT",
            description = "Serve the HTTP management API (users and stats of multi-user 2022 ports) there, "
                    + "e.g. 127.0.0.1:8089; anything but loopback exposes it to other hosts. Off by default.")
    public String apiAddress;

    @Option(names = "--api-secret", paramLabel = "SECRET",
            description = "The HTTP API's secret path prefix (default: a fresh one, printed at start).")
    public String apiSecret;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics; off by default.")
    public String metricsAddress;

    @Option(names = "--state-file", paramLabel = "FILE",
            description = "Keep traffic counts and quotas in this file across restarts.")
    public java.nio.file.Path stateFile;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "On stop or port removal, let open connections finish for this long (default 30).")
    public Integer drainTimeout;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS",
            description = "Time a new connection has to send a valid request (default 60).")
    public Integer handshakeTimeout;

    @Option(names = "--max-handshakes", paramLabel = "N",
            description = "Connections still in the handshake the server holds at most; more are reset at once"
                    + " (default 2048; config: max_handshakes).")
    public Integer maxHandshakes;

    @Option(names = "--max-handshakes-per-ip", paramLabel = "N",
            description = "The same, per client address (default 256; config: max_handshakes_per_ip).")
    public Integer maxHandshakesPerIp;

    @Option(names = "--acl", paramLabel = "FILE",
            description = "ACL file (shadowsocks-libev/-rust format): targets in its [outbound_block_list] are"
                    + " refused, by name before any lookup and by address after (config: acl).")
    public String acl;

    // Flags of libev's ss-server that ss-manager passes on; read only to be refused with a reason.

    @Option(names = "-n", paramLabel = "NOFILE", hidden = true)
    public String nofile;

    @Option(names = "-a", paramLabel = "USER", hidden = true)
    public String runAs;

    @Option(names = "-i", paramLabel = "INTERFACE", hidden = true)
    public String iface;

    @Option(names = "--mtu", paramLabel = "MTU", hidden = true)
    public String mtu;
}
