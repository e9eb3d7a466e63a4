package dev.ssjvm.core.protocol;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * A decrypted server packet on the client: where it came from and what it carries.
 *
 * @param payload owned by the receiver
 */
public record ServerPacket(InetSocketAddress source, ByteBuf payload) {}
