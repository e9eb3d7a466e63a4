package dev.ssjvm.admin.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.CharacterCodingException;

/** Coverage-guided fuzzing of the manager's datagram parser (regression inputs in ManagerProtocolFuzzTestInputs/). */
class ManagerProtocolFuzzTest {

    /** Any datagram: a request, null (blank) or CharacterCodingException (not UTF-8), nothing else. */
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] datagram) {
        ManagerProtocol.Request request;
        try {
            request = ManagerProtocol.parse(datagram);
        } catch (CharacterCodingException expected) {
            return;
        }
        if (request != null) {
            assertThat(request.action()).doesNotContain(":", " ", "\t", "\n", "\0");
            if (request.data() != null) {
                assertThat(request.data()).startsWith("{");
            }
        }
    }
}
