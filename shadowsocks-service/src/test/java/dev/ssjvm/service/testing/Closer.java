package dev.ssjvm.service.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened, closed after it in the reverse order (a client before the server it uses):
 * {@code @RegisterExtension final Closer closer = new Closer();}, then {@code closer.add(x)}. Every one
 * is closed even when one fails; the first failure is thrown, the others are added to it.
 */
public final class Closer implements AfterEachCallback {
    private final List<AutoCloseable> open = new ArrayList<>();

    /** Takes {@code closeable} to close after the test; returns it. */
    public <T extends AutoCloseable> T add(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
