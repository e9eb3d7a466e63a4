package dev.ssjvm.service.config;

import java.util.Locale;

/** Which relays run: the {@code mode} config key and the {@code -u} / {@code -U} flags of libev. */
public enum Mode {
    TCP_ONLY("tcp_only"),
    TCP_AND_UDP("tcp_and_udp"),
    UDP_ONLY("udp_only");

    private final String configName;

    Mode(String configName) {
        this.configName = configName;
    }

    public boolean tcp() {
        return this != UDP_ONLY;
    }

    public boolean udp() {
        return this != TCP_ONLY;
    }

    public String configName() {
        return configName;
    }

    /**
     * @throws IllegalArgumentException listing the accepted names
     */
    public static Mode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.configName.equals(t)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("expected one of tcp_only, tcp_and_udp, udp_only, got '" + text + "'");
    }
}
