package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.admin.AdminSettings;
import dev.ssjvm.cli.config.ConfigException;
import dev.ssjvm.cli.config.ServerConfigLoader;
import dev.ssjvm.cli.config.ServerOptions;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.Sip022Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the .deb is made of (packaging/, see docs/operating/service.md) agrees with the code: every
 * launcher of bin/ has its wrapper in /usr/bin and its man page, the man pages name every flag shown
 * by --help, the
 * units give the drain time to finish, and the example config is a config of ssserver.
 */
class PackagingTest {
    private static final Path ROOT = Path.of(System.getProperty("ssjvm.root", "..")).toAbsolutePath().normalize();
    private static final Path PACKAGING = ROOT.resolve("packaging");

    @TempDir
    Path dir;

    @Test
    void everyLauncherIsPackagedWithAWrapperAndAManPage() throws IOException {
        List<String> launchers = launchers();
        assertThat(launchers).contains("ssserver", "sslocal", "ssurl");
        for (String name : launchers) {
            Path wrapper = PACKAGING.resolve("deb/bin").resolve(name);
            assertThat(wrapper).as("bin/%s needs packaging/deb/bin/%s, its /usr/bin wrapper", name, name).exists();
            assertThat(Files.isExecutable(wrapper)).as("%s is executable", wrapper).isTrue();
            assertThat(Files.readString(wrapper)).startsWith("#!/bin/sh\n")
                    .contains("exec /usr/share/ssjvm/launch " + name + " \"$@\"");
            Path page = PACKAGING.resolve("man").resolve(name + ".1");
            assertThat(page).as("bin/%s needs packaging/man/%s.1", name, name).exists();
            assertThat(Files.readString(page)).startsWith(".TH " + name.toUpperCase() + " 1 ");
        }
        try (Stream<Path> wrappers = Files.list(PACKAGING.resolve("deb/bin"))) {
            assertThat(wrappers.map(p -> p.getFileName().toString())).as("no wrapper without its launcher")
                    .allMatch(launchers::contains);
        }
        assertThat(Files.readString(PACKAGING.resolve("deb/launch")))
                .contains("/usr/share/ssjvm/jvm.options").contains("-jar /usr/share/ssjvm/ssjvm.jar \"$@\"")
                .doesNotContain("mvnw");
    }

    @Test
    void theManPagesNameEveryFlag() throws IOException {
        Map<String, Object> commands = Map.of(
                "ssserver", new ServerCommand(List.of(), new PrintWriter(Writer.nullWriter())),
                "ssmanager", new ManagerCommand(), "sslocal", new LocalCommand(), "ssurl", new UrlCommand());
        assertThat(commands.keySet()).as("a command per launcher").containsExactlyInAnyOrderElementsOf(launchers());
        for (Map.Entry<String, Object> e : commands.entrySet()) {
            String page = Files.readString(PACKAGING.resolve("man").resolve(e.getKey() + ".1")).replace("\\-", "-")
                    .replaceAll("\\\\f[BIRP]", ""); // troff: \- is a minus, \fB.. a font
            List<CommandSpec> specs = new ArrayList<>();
            CommandSpec spec = new CommandLine(e.getValue()).getCommandSpec();
            specs.add(spec);
            spec.subcommands().values().forEach(sub -> specs.add(sub.getCommandSpec()));
            for (CommandSpec s : specs) {
                for (OptionSpec option : s.options()) {
                    if (option.hidden()) {
                        continue; // libev's flags that are only read to be refused
                    }
                    assertThat(option.names()).as("%s(1) names one of the flags %s", e.getKey(),
                            List.of(option.names())).anyMatch(name -> Pattern.compile(
                                    "(^|[^-\\w])" + Pattern.quote(name) + "(?![-\\w])").matcher(page).find());
                }
            }
        }
    }

    @Test
    void theUnitsRunTheInstalledCommandsAndOutwaitTheDrain() throws IOException {
        String server = Files.readString(PACKAGING.resolve("systemd/ssjvm-server@.service"));
        String local = Files.readString(PACKAGING.resolve("systemd/ssjvm-local@.service"));
        assertThat(value(server, "ExecStart"))
                .isEqualTo("/usr/bin/ssserver -c /etc/ssjvm/%i.json --state-file /var/lib/ssjvm/%i.state");
        assertThat(value(local, "ExecStart")).isEqualTo("/usr/bin/sslocal -c /etc/ssjvm/%i.json");
        assertThat(value(server, "ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(value(server, "StateDirectory")).isEqualTo("ssjvm");
        Duration stop = Duration.ofSeconds(Long.parseLong(value(server, "TimeoutStopSec").replace("s", "")));
        assertThat(stop).as("SIGKILL comes after the default drain").isGreaterThan(AdminSettings.DEFAULT_DRAIN_TIMEOUT);
        for (String unit : List.of(server, local)) {
            assertThat(value(unit, "KillSignal")).isEqualTo("SIGTERM");
            assertThat(value(unit, "Restart")).isEqualTo("on-failure");
            assertThat(value(unit, "RestartPreventExitStatus")).as("a broken config is exit 2").isEqualTo("2");
            for (String on : List.of("DynamicUser", "NoNewPrivileges", "ProtectHome", "PrivateTmp")) {
                assertThat(value(unit, on)).as(on).isEqualTo("yes");
            }
            assertThat(value(unit, "ProtectSystem")).isEqualTo("strict");
            assertThat(value(unit, "AmbientCapabilities")).isEqualTo("CAP_NET_BIND_SERVICE");
            assertThat(value(unit, "CapabilityBoundingSet")).isEqualTo("CAP_NET_BIND_SERVICE");
            assertThat(Long.parseLong(value(unit, "LimitNOFILE"))).isGreaterThanOrEqualTo(65536);
        }
    }

    @Test
    void theExampleConfigIsAServerConfigOnceItHasAKey() throws Exception {
        String example = Files.readString(PACKAGING.resolve("example.json"));
        Path asShipped = Files.writeString(dir.resolve("example.json"), example);
        assertThatThrownBy(() -> load(asShipped)).isInstanceOf(ConfigException.class)
                .as("it does not start with the placeholder").hasMessageContaining("key 'password'");
        String key = Sip022Keys.generatePsk(CipherKind.of("2022-blake3-aes-256-gcm"));
        String keyed = example.replaceFirst("\"password\": \"REPLACE[^\"]*\"", "\"password\": \"" + key + "\"");
        assertThat(keyed).as(".ci/check-deb replaces it the same way").isNotEqualTo(example);
        ServerConfigLoader.ServerConfig config = load(Files.writeString(dir.resolve("keyed.json"), keyed));
        assertThat(config.server().ports()).singleElement().satisfies(p -> assertThat(p.port()).isEqualTo(8388));
        assertThat(config.admin().drainTimeout()).isEqualTo(AdminSettings.DEFAULT_DRAIN_TIMEOUT);
    }

    private static ServerConfigLoader.ServerConfig load(Path config) throws ConfigException {
        ServerOptions options = new ServerOptions();
        options.common.config = config;
        return ServerConfigLoader.load(options, notice -> { });
    }

    /** The launchers: bin/ss*, not the shared _launch nor jvm.options. */
    private static List<String> launchers() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("bin"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ss")).sorted().toList();
        }
    }

    /** The one value of a directive in a unit file. */
    private static String value(String unit, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(.*)$").matcher(unit);
        assertThat(m.find()).as("%s= is set", key).isTrue();
        String v = m.group(1).trim();
        assertThat(m.find()).as("%s= is set once", key).isFalse();
        return v;
    }
}
