package dev.ssjvm.admin;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.PluginSpec;
import dev.ssjvm.service.config.PortSettings;
import dev.ssjvm.service.limits.PortLimits;
import java.util.List;

/**
 * What a port added at run time (by a manager command or the HTTP API) gets unless the command says
 * otherwise: the addresses to listen on, the method and the SIP003 plugin ({@code -s}, {@code -m} and
 * {@code --plugin} of ssmanager, as libev's ss-manager passes them to every ss-server it starts).
 *
 * @param plugin the plugin every added port runs, or {@code null}
 */
public record PortTemplate(List<String> hosts, CipherKind method, PluginSpec plugin) {

    public PortTemplate(List<String> hosts, CipherKind method) {
        this(hosts, method, null);
    }

    public PortTemplate {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a port template needs an address to listen on");
        }
    }

    /** A single-key port with this template's addresses; {@code method} {@code null} for the template's. */
    public PortSettings port(int port, String password, CipherKind method) {
        return new PortSettings(hosts, port, method == null ? this.method : method, password, List.of(), null, null,
                null, PortLimits.NONE, plugin);
    }
}
