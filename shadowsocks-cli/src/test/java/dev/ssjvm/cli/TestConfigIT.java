package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --test-config} through the real launchers in bin/: the exit code and output a user sees. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TestConfigIT {
    @TempDir
    Path dir;

    private int exit(LaunchersIT.Launched launched) throws Exception {
        assertThat(launched.process.waitFor(90, TimeUnit.SECONDS)).as("the check returns").isTrue();
        return launched.process.exitValue();
    }

    @Test
    void launchersReportEveryProblemOrOk() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"server": "127.0.0.1", "server_port": 8388, "password": "secret", "method": "aes-256-gcn",
                 "mode": "tcp_udp", "timout": 60}""");
        try (LaunchersIT.Launched server = LaunchersIT.Launched.start(dir, "ssserver", "--test-config", "-c",
                bad.toString())) {
            assertThat(exit(server)).as(server.log()).isEqualTo(2);
            assertThat(server.log()).contains("key 'method'").contains("key 'mode'")
                    .contains("did you mean 'timeout'").contains("ssserver: 3 problems in " + bad)
                    .doesNotContain("secret");
        }
        Path good = Files.writeString(dir.resolve("good.json"), """
                {"server": "127.0.0.1", "server_port": 8388, "password": "secret", "method": "aes-256-gcm",
                 "local_address": "127.0.0.1", "local_port": 1080}""");
        try (LaunchersIT.Launched local = LaunchersIT.Launched.start(dir, "sslocal", "--test-config", "-c",
                good.toString())) {
            assertThat(exit(local)).as(local.log()).isZero();
            assertThat(local.log()).contains("config OK: " + good + ": 1 server; socks on 127.0.0.1:1080");
        }
    }
}
