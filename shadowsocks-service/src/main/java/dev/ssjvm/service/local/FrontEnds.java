package dev.ssjvm.service.local;

import dev.ssjvm.service.local.dns.DnsFrontEnd;
import dev.ssjvm.service.local.http.HttpFrontEnd;
import dev.ssjvm.service.local.redir.RedirFrontEnd;
import dev.ssjvm.service.local.socks.SocksFrontEnd;
import dev.ssjvm.service.local.tunnel.TunnelFrontEnd;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The local protocols {@code sslocal} speaks: one factory each, registered here and nowhere else. */
public final class FrontEnds {
    private static final Map<String, FrontEndFactory> FACTORIES = register(
            new SocksFrontEnd.Factory(),
            new TunnelFrontEnd.Factory(),
            new HttpFrontEnd.Factory(),
            new DnsFrontEnd.Factory(),
            new RedirFrontEnd.Factory());

    private FrontEnds() {}

    private static Map<String, FrontEndFactory> register(FrontEndFactory... factories) {
        Map<String, FrontEndFactory> byName = new LinkedHashMap<>();
        for (FrontEndFactory factory : factories) {
            byName.put(factory.protocol(), factory);
        }
        return Map.copyOf(byName);
    }

    /** The registered protocol names, for error messages and help. */
    public static Set<String> names() {
        return new java.util.TreeSet<>(FACTORIES.keySet());
    }

    /**
     * @throws IllegalArgumentException naming the unknown protocol and the known ones
     */
    public static FrontEndFactory named(String protocol) {
        FrontEndFactory factory = FACTORIES.get(protocol);
        if (factory == null) {
            throw new IllegalArgumentException("unknown protocol '" + protocol + "'; expected one of "
                    + String.join(", ", names()));
        }
        return factory;
    }
}
