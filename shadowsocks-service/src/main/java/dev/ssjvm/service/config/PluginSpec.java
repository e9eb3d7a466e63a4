package dev.ssjvm.service.config;

import java.util.List;
import java.util.Objects;

/**
 * A SIP003 plugin as configured: the program (a name looked up on {@code PATH}, or a path), its
 * {@code SS_PLUGIN_OPTIONS} and any command-line arguments (shadowsocks-rust's {@code plugin_args}).
 *
 * @param options the options string as given ({@code obfs=http;obfs-host=example.com}), or {@code null}
 */
public record PluginSpec(String program, String options, List<String> args) {

    public PluginSpec {
        Objects.requireNonNull(program, "program");
        if (program.isBlank()) {
            throw new IllegalArgumentException("a plugin needs a program");
        }
        args = List.copyOf(args);
    }

    public PluginSpec(String program, String options) {
        this(program, options, List.of());
    }

    /** The plugin of a server entry, or {@code null} when it names none (an empty name is none). */
    public static PluginSpec of(String program, String options) {
        return program == null || program.isEmpty() ? null : new PluginSpec(program, options);
    }

    /** The program only: options may hold a plugin's own secret. */
    @Override
    public String toString() {
        return program;
    }
}
