package dev.ssjvm.bench;

import dev.ssjvm.service.acl.Acl;
import dev.ssjvm.service.acl.AclFile;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ACL files: loading a 100,000-line list (90,000 IPv4 CIDRs, 10,000 IPv6, as "bypass China" lists
 * are), and routing an address (hits and misses, IPv4 and IPv6) or a name (9,000 domain rules and
 * 1,000 regexes, half anchored at the start) against it. {@code load} is milliseconds per file, the rest nanoseconds per lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
public class AclBench {
    private static final int PROBES = 1024; // a power of two

    private Path file;
    private AclFile acl;
    private InetAddress[] v4Hits;
    private InetAddress[] v4Misses;
    private InetAddress[] v6Hits;
    private String[] nameHits;
    private String[] nameMisses;
    private int next;

    @Setup
    public void setUp() throws IOException {
        Random random = new Random(7);
        file = Files.createTempFile("bench", ".acl");
        long[] starts = new long[90_000];
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write("[proxy_all]\n[bypass_list]\n");
            for (int i = 0; i < starts.length; i++) {
                // /24s in 1.0.0.0 - 223.255.255.255 (overlaps merge, as in real lists)
                starts[i] = (0x01000000L + (random.nextLong() & 0xffffffffL) % 0xdf000000L) & ~0xffL;
                out.write(v4(starts[i]) + "/24\n");
            }
            for (int i = 0; i < 10_000; i++) {
                out.write(String.format("2001:%x:%x::/48%n", 0xdb8 + i / 4096, (i % 4096) * 16));
            }
            for (int i = 0; i < 9_000; i++) {
                out.write("||domain" + i + ".test\n");
            }
            for (int i = 0; i < 500; i++) { // regexes that are not domain-shaped: anchored at the start, and not
                out.write("^ads" + i + "[0-9]*\\.tracker\\.test$\n");
                out.write("track" + i + "[a-z]*\\.cdn\\.test$\n");
            }
        }
        acl = AclFile.load(file);
        v4Hits = new InetAddress[PROBES];
        v4Misses = new InetAddress[PROBES];
        v6Hits = new InetAddress[PROBES];
        nameHits = new String[PROBES];
        nameMisses = new String[PROBES];
        for (int i = 0; i < PROBES; i++) {
            v4Hits[i] = InetAddress.getByName(v4(starts[random.nextInt(starts.length)] + random.nextInt(256)));
            InetAddress miss;
            do {
                miss = InetAddress.getByName(v4(0x01000000L + (random.nextLong() & 0xffffffffL) % 0xdf000000L));
            } while (acl.routeAddress(miss) == Acl.Route.BYPASS);
            v4Misses[i] = miss;
            int k = random.nextInt(10_000);
            v6Hits[i] = InetAddress.getByName(String.format("2001:%x:%x::%x", 0xdb8 + k / 4096, (k % 4096) * 16,
                    random.nextInt(65536)));
            nameHits[i] = "www.domain" + random.nextInt(9_000) + ".test";
            nameMisses[i] = "www.example" + random.nextInt(9_000) + ".test";
        }
        for (int i = 0; i < PROBES; i++) { // the benchmark measures what it claims
            check(acl.routeAddress(v4Hits[i]) == Acl.Route.BYPASS, v4Hits[i]);
            check(acl.routeAddress(v6Hits[i]) == Acl.Route.BYPASS, v6Hits[i]);
            check(acl.matchName(nameHits[i]).isPresent(), nameHits[i]);
            check(acl.matchName(nameMisses[i]).isEmpty(), nameMisses[i]);
        }
    }

    private static void check(boolean ok, Object what) {
        if (!ok) {
            throw new IllegalStateException("benchmark data wrong for " + what);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    private static String v4(long a) {
        return (a >>> 24 & 255) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public AclFile load() throws IOException {
        return AclFile.load(file);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Acl.Route ipv4Hit() {
        return acl.routeAddress(v4Hits[next++ & (PROBES - 1)]);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Acl.Route ipv4Miss() {
        return acl.routeAddress(v4Misses[next++ & (PROBES - 1)]);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Acl.Route ipv6Hit() {
        return acl.routeAddress(v6Hits[next++ & (PROBES - 1)]);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object nameHit() {
        return acl.matchName(nameHits[next++ & (PROBES - 1)]);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object nameMiss() {
        return acl.matchName(nameMisses[next++ & (PROBES - 1)]);
    }
}
