package dev.ssjvm.service.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The original Node.js port of Shadowsocks (npm package {@code shadowsocks} 1.5.3), the one peer with
 * the {@code table} method. CI installs it and names its prefix in {@code SSJVM_NODE_SHADOWSOCKS}
 * (see .ci/run); otherwise it is installed once per run into a temporary prefix with npm.
 */
public final class NodeShadowsocks {
    public static final String VERSION = "1.5.3";
    private static Path home;

    private NodeShadowsocks() {}

    /** The command that starts its {@code sslocal} or {@code ssserver} script, before the script's own flags. */
    public static String[] command(String script) throws Exception {
        Path bin = home().resolve("node_modules/shadowsocks/bin").resolve(script);
        // the legacy provider holds bf and rc4, which OpenSSL 3 no longer offers by default
        return new String[] {"node", "--openssl-legacy-provider", bin.toString()};
    }

    private static synchronized Path home() throws Exception {
        if (home != null) {
            return home;
        }
        String configured = System.getenv("SSJVM_NODE_SHADOWSOCKS");
        if (configured != null && !configured.isEmpty()) {
            home = Path.of(configured);
        } else {
            Path prefix = Files.createTempDirectory("node-shadowsocks");
            ExternalPeer.require("npm");
            ExternalPeer.Result result = ExternalPeer.run(180, "npm", "install", "--no-audit", "--no-fund",
                    "--prefix", prefix.toString(), "shadowsocks@" + VERSION);
            if (result.exitCode() != 0) {
                ExternalPeer.missing("npm install shadowsocks@" + VERSION + " failed: " + result.stderr());
            }
            home = prefix;
        }
        if (!Files.isRegularFile(home.resolve("node_modules/shadowsocks/bin/ssserver"))) {
            ExternalPeer.missing("the npm package shadowsocks is not installed under " + home);
        }
        ExternalPeer.require("node");
        return home;
    }
}
