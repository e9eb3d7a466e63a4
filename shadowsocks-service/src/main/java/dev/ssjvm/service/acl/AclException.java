package dev.ssjvm.service.acl;

import java.io.IOException;

/** An ACL file that cannot be used; the message names the file, the line and why. */
public final class AclException extends IOException {
    public AclException(String message) {
        super(message);
    }
}
