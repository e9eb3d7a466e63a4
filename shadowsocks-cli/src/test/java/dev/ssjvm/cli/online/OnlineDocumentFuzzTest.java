package dev.ssjvm.cli.online;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Coverage-guided fuzzing of SIP008 / online-config document parsing (inputs in OnlineDocumentFuzzTestInputs/). */
class OnlineDocumentFuzzTest {

    /** Any body a server may send: a server list or InvalidDocument saying why, nothing else escapes. */
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] body) {
        try {
            OnlineDocument.parse(new String(body, StandardCharsets.UTF_8));
        } catch (OnlineDocument.InvalidDocument expected) {
            // declared
        }
    }
}
