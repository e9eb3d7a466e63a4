package dev.ssjvm.cli.config;

import dev.ssjvm.core.tcp.StreamProtocols;
import dev.ssjvm.core.replay.SaltFilter;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.service.config.ServerEndpoint;

/** Checks at load time that an endpoint's password fits its method, so errors name their source. */
final class Credentials {
    private Credentials() {}

    static void check(ServerEndpoint endpoint, ConfigObject config) throws ConfigException {
        if (endpoint.password().isEmpty()) {
            throw new ConfigException("server " + endpoint + ": the password is empty");
        }
        try {
            StreamProtocols.create(endpoint.method(), endpoint.password(), AeadFactory.automatic(), SaltFilter.NONE);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("server " + endpoint + ": " + e.getMessage());
        }
    }
}
