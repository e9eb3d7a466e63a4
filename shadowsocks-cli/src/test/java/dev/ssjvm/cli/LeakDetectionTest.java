package dev.ssjvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak detector is off in production and left as configured when a level was asked for. */
class LeakDetectionTest {
    private static final String PROPERTY = "io.netty.leakDetection.level";

    @Test
    void aConfiguredLevelIsKept() {
        // the build runs tests with -Dio.netty.leakDetection.level=paranoid
        assertThat(System.getProperty(PROPERTY)).isNotNull();
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        LeakDetection.offUnlessConfigured();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(before);
    }

    @Test
    void withoutAConfiguredLevelTheDetectorIsOff() {
        String configured = System.getProperty(PROPERTY);
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        System.clearProperty(PROPERTY);
        try {
            LeakDetection.offUnlessConfigured();
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
        } finally {
            if (configured != null) {
                System.setProperty(PROPERTY, configured);
            }
            ResourceLeakDetector.setLevel(before);
        }
    }
}
