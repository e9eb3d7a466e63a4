package dev.ssjvm.cli.config;

/** A configuration or flag error, already phrased for the user: file, key and what was expected. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
