package dev.ssjvm.service.testing;

import dev.ssjvm.core.address.SocksAddressCodec;
import dev.ssjvm.crypto.Aead;
import dev.ssjvm.crypto.AeadFactory;
import dev.ssjvm.crypto.CipherKind;
import dev.ssjvm.crypto.NonceCounter;
import dev.ssjvm.crypto.Sip022Keys;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Writes a SIP022 request first flight by hand, from the spec and independent of the encoder under
 * test, with the salt and timestamp the test chooses (to replay a salt, or to skew the clock).
 */
public final class Sip022Writer {
    private Sip022Writer() {}

    public static byte[] request(CipherKind method, String pskBase64, byte[] salt, long timestamp,
            InetSocketAddress target, byte[] payload) {
        byte[] psk = Base64.getDecoder().decode(pskBase64);
        Aead aead = AeadFactory.automatic().create(method.aead(), Sip022Keys.sessionSubkey(psk, salt));
        NonceCounter nonce = new NonceCounter(method.nonceSize());
        byte[] address = SocksAddressCodec.encode(target);
        int padding = payload.length == 0 ? 16 : 0;
        ByteBuffer variable = ByteBuffer.allocate(address.length + 2 + padding + payload.length)
                .put(address).putShort((short) padding).put(new byte[padding]).put(payload);
        ByteBuffer fixed = ByteBuffer.allocate(11).put((byte) 0).putLong(timestamp).putShort((short) variable.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(salt);
        out.writeBytes(aead.seal(nonce.current(), fixed.array()));
        nonce.increment();
        out.writeBytes(aead.seal(nonce.current(), variable.array()));
        return out.toByteArray();
    }
}
