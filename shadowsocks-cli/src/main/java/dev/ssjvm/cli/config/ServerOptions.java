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

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS",
            description = "Time a new connection has to send a valid request (default 60).")
    public Integer handshakeTimeout;
}
