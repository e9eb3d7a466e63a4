package dev.ssjvm.cli.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Coverage-guided fuzzing of the JSON config loaders (ConfigObject and the server and local loaders),
 * through a temporary file as they really read it.
 */
class ConfigLoaderFuzzTest {

    /** Any file: settings or a ConfigException naming the file and key, nothing else escapes. */
    @FuzzTest(maxDuration = "10s")
    void server(byte[] json) throws IOException {
        Path file = write(json);
        try {
            ServerOptions options = new ServerOptions();
            new CommandLine(options).parseArgs();
            options.common.config = file;
            ServerConfigLoader.load(options, notice -> { });
        } catch (ConfigException expected) {
            // declared
        } finally {
            Files.delete(file);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void local(byte[] json) throws IOException {
        Path file = write(json);
        try {
            LocalOptions options = new LocalOptions();
            new CommandLine(options).parseArgs();
            options.common.config = file;
            LocalConfigLoader.load(options, notice -> { });
        } catch (ConfigException expected) {
            // declared
        } finally {
            Files.delete(file);
        }
    }

    private static Path write(byte[] json) throws IOException {
        Path file = Files.createTempFile("fuzz", ".json");
        Files.write(file, json);
        return file;
    }
}
