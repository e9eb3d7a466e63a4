package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the first-run config lives, how it is made, and that it is kept. */
class FirstRunTest {
    @TempDir
    Path dir;

    @Test
    void xdgConfigHomeWhenAbsoluteElseDotConfig() {
        assertThat(FirstRun.configDirectory(Map.of("XDG_CONFIG_HOME", "/x/conf", "HOME", "/h")))
                .isEqualTo(Path.of("/x/conf/ssjvm"));
        // the XDG spec: a relative value is invalid and is ignored
        assertThat(FirstRun.configDirectory(Map.of("XDG_CONFIG_HOME", "rel", "HOME", "/h")))
                .isEqualTo(Path.of("/h/.config/ssjvm"));
        assertThat(FirstRun.configDirectory(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/ssjvm"));
    }

    @Test
    void makesA0600ConfigOnceWithAStrongKeyAndKeepsIt() throws Exception {
        Map<String, String> env = Map.of("HOME", dir.toString());
        FirstRun.Saved first = FirstRun.ensure(env, null);
        assertThat(first.created()).isTrue();
        assertThat(first.file()).isEqualTo(dir.resolve(".config/ssjvm/ssserver.json"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file().getParent())))
                .isEqualTo("rwx------");
        assertThat(first.method().methodName()).isEqualTo("chacha20-ietf-poly1305");
        assertThat(Base64.getUrlDecoder().decode(first.password())).hasSize(24);
        assertThat(Files.readString(first.file())).contains("\"server_port\" : 8388");
        assertThat(first.exposed()).isFalse();

        FirstRun.Saved again = FirstRun.ensure(env, 9999);
        assertThat(again.created()).isFalse();
        assertThat(again.password()).isEqualTo(first.password());
        assertThat(FirstRun.ensure(Map.of("HOME", dir.resolve("other").toString()), null).password())
                .as("another user, another key").isNotEqualTo(first.password());

        Files.setPosixFilePermissions(first.file(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(FirstRun.ensure(env, null).exposed()).isTrue();
    }

    @Test
    void aGivenPortIsSavedAndThePublicHostSaysWhereItCameFrom() throws Exception {
        assertThat(Files.readString(FirstRun.ensure(Map.of("HOME", dir.toString()), 18388).file()))
                .contains("\"server_port\" : 18388");
        assertThat(FirstRun.publicHost("vpn.example")).isEqualTo(new FirstRun.PublicHost("vpn.example",
                "from --public-host"));
        FirstRun.PublicHost own = FirstRun.publicHost(null);
        assertThat(own.host()).doesNotContain("%").isNotEqualTo("::1");
        assertThat(own.source()).contains("--public-host");
    }
}
