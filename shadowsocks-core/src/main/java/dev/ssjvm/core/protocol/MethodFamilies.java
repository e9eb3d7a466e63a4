package dev.ssjvm.core.protocol;

import dev.ssjvm.core.sip004.Sip004Family;
import dev.ssjvm.core.sip022.Sip022Family;
import dev.ssjvm.core.stream.StreamFamily;
import dev.ssjvm.crypto.CipherKind;
import java.util.List;

/** The one place that maps a method's family to the code that speaks it, for TCP and UDP alike. */
public final class MethodFamilies {
    private static final MethodFamily SIP004 = new Sip004Family();
    private static final MethodFamily SIP022 = new Sip022Family();
    private static final MethodFamily STREAM = new StreamFamily();

    private MethodFamilies() {}

    public static MethodFamily of(CipherKind method) {
        return switch (method.family()) {
            case AEAD_2017 -> SIP004;
            case AEAD_2022 -> SIP022;
            case STREAM -> STREAM;
        };
    }

    /** The protocols of a server port; see {@link MethodFamily#server}. */
    public static ServerProtocols server(CipherKind method, String password, List<UserKey> users,
            ProtocolContext context) {
        return of(method).server(method, password, users, context);
    }

    /** The protocols a client uses towards one server; see {@link MethodFamily#client}. */
    public static ClientProtocols client(CipherKind method, String password, ProtocolContext context) {
        return of(method).client(method, password, context);
    }

    /** The same, with Outline's connection prefix ({@code null} for none); see {@link SaltPrefix}. */
    public static ClientProtocols client(CipherKind method, String password, byte[] prefix, ProtocolContext context) {
        return of(method).client(method, password, prefix, context);
    }
}
