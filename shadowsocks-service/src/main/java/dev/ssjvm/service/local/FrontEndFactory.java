package dev.ssjvm.service.local;

import dev.ssjvm.service.config.LocalListener;

/** Makes the front ends of one protocol; registered once in {@link FrontEnds}. */
public interface FrontEndFactory {

    /** The protocol's name in configs and flags ({@code "protocol": "socks"}). */
    String protocol();

    /**
     * Whether its listeners authenticate their clients, so that configured users apply to them
     * ({@code socks5_users}, {@code --socks-user}).
     */
    default boolean authenticates() {
        return false;
    }

    /**
     * @throws IllegalArgumentException when the listener's options do not fit the protocol, saying
     *     which (a tunnel without a target, authentication on a protocol without any)
     */
    FrontEnd create(LocalListener listener, LocalContext context);
}
