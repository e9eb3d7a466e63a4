package dev.ssjvm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.service.config.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The config readers accept the legacy stream methods when named, and refuse what they cannot do. */
class StreamMethodConfigTest {
    @TempDir
    Path dir;

    private ServerSettings load(String json, String... args) throws Exception {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs(args);
        if (json != null) {
            Path file = dir.resolve("config.json");
            Files.writeString(file, json);
            options.common.config = file;
        }
        return ServerConfigLoader.load(options, new ArrayList<String>()::add).server();
    }

    @Test
    void namedStreamMethodsLoad() throws Exception {
        assertThat(load(null, "-p", "8388", "-k", "pw", "-m", "aes-256-cfb").ports().get(0).method())
                .isEqualTo(CipherKind.AES_256_CFB);
        assertThat(load("""
                {"server_port": 8388, "password": "pw", "method": "table"}
                """).ports().get(0).method()).isEqualTo(CipherKind.TABLE);
        assertThat(load(null, "-p", "8388", "-k", "pw", "-m", "plain").ports().get(0).method())
                .isEqualTo(CipherKind.NONE);
    }

    @Test
    void emptyPasswordIsRefusedNamingTheFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("""
                {"server_port": 8388, "password": "", "method": "chacha20"}
                """));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("config.json").contains("password");
        List<String> methods = List.of(CipherKind.supportedNames().split(", "));
        assertThat(methods).contains("rc4-md5", "salsa20", "chacha20-ietf", "bf-cfb", "none");
    }
}
