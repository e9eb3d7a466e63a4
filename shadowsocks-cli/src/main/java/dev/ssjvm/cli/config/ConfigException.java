package dev.ssjvm.cli.config;

/** A configuration or flag error, already phrased for the user: file, key and what was expected. */
public final class ConfigException extends Exception {
    private final String fix;

    public ConfigException(String message) {
        this(message, null);
    }

    /** @param fix what to do about it, for {@code --test-config}; not part of the message */
    public ConfigException(String message, String fix) {
        super(message);
        this.fix = fix;
    }

    /** What to do about it, or {@code null} when the message says so itself. */
    public String fix() {
        return fix;
    }
}
