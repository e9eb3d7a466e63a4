import java.io.PrintWriter;
import java.util.regex.Pattern;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.MethodFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs one @FuzzTest method (fully.qualified.Class#method) on the JUnit Platform, for fuzz/run: one JVM per target,
 * because Jazzer fuzzes one test per JVM, without a Maven start per target. Exit 0 when it passed,
 * 1 when it failed (a finding), 2 when nothing ran. Configuration comes from system properties
 * (JAZZER_FUZZ in the environment, jazzer.internal.arg.N for libFuzzer's flags).
 */
public final class FuzzOne {
    public static void main(String[] args) {
        String[] target = args[0].split("#", 2);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(target[0]))
                .filters(MethodFilter.includeMethodNamePatterns(Pattern.quote(args[0])))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        summary.getSummary().printFailuresTo(new PrintWriter(System.out, true), 40);
        long ran = summary.getSummary().getTestsStartedCount();
        long failed = summary.getSummary().getTotalFailureCount();
        System.out.println("fuzz-one: started " + ran + ", failed " + failed);
        System.exit(failed > 0 ? 1 : ran == 0 ? 2 : 0);
    }
}
