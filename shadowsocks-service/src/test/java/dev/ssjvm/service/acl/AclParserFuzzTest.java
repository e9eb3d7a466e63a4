package dev.ssjvm.service.acl;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Coverage-guided fuzzing of the ACL parser, through a temporary file as it is really read. */
class AclParserFuzzTest {

    /** Any file: an ACL or an AclException naming the problem, nothing else escapes. */
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".acl");
        try {
            Files.write(file, bytes);
            AclFile acl;
            try {
                acl = AclFile.load(file);
            } catch (AclException expected) {
                return;
            }
            acl.matchName("example.com");
            acl.routeAddress(InetAddress.getLoopbackAddress());
        } finally {
            Files.delete(file);
        }
    }
}
