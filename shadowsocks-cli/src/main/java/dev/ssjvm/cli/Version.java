package dev.ssjvm.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development" when run from classes. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"Shadowsocks for the JVM " + (v == null ? "(development build)" : v)
                + " on Java " + Runtime.version()};
    }
}
