package dev.ssjvm.cli.config;

import dev.ssjvm.core.replay.ReplayProtection;
import dev.ssjvm.core.tcp.StreamProtocols;
import dev.ssjvm.core.udp.DatagramProtocols;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.ServerEndpoint;
import java.time.Clock;

/** Checks at load time that an endpoint's keys fit its method, so errors name their source. */
final class Credentials {
    private static final ReplayProtection NO_REPLAY_STATE = ReplayProtection.forClient(Clock.systemUTC());

    private Credentials() {}

    static void checkServer(ServerEndpoint endpoint) throws ConfigException {
        check(endpoint, true);
    }

    static void checkClient(ServerEndpoint endpoint) throws ConfigException {
        check(endpoint, false);
    }

    private static void check(ServerEndpoint endpoint, boolean server) throws ConfigException {
        if (endpoint.password().isEmpty()) {
            throw new ConfigException("server " + endpoint + ": the password is empty");
        }
        try {
            AeadFactory crypto = AeadFactory.automatic();
            if (server) {
                StreamProtocols.forServer(endpoint.method(), endpoint.password(), endpoint.users(), crypto, NO_REPLAY_STATE);
                DatagramProtocols.forServer(endpoint.method(), endpoint.password(), endpoint.users(), crypto,
                        NO_REPLAY_STATE);
            } else {
                StreamProtocols.forClient(endpoint.method(), endpoint.password(), crypto, NO_REPLAY_STATE);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("server " + endpoint + ": " + e.getMessage());
        }
    }
}
