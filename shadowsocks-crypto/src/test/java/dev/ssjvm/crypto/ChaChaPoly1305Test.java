package dev.ssjvm.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** Our Java ChaCha-Poly1305 against RFC 8439 and the XChaCha draft (both use associated data). */
class ChaChaPoly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc8439Section2_8_2() throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (0x80 + i);
        }
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] nonce = HEX.parseHex("070000004041424344454647");
        String expected = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da927"
                + "28b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff"
                + "4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691";
        ChaChaPoly1305 aead = new ChaChaPoly1305(AeadAlgorithm.CHACHA20_POLY1305, key, 20, false);
        assertThat(HEX.formatHex(aead.seal(nonce, aad, plaintext))).isEqualTo(expected);
        ByteBuffer out = ByteBuffer.allocate(plaintext.length);
        aead.open(nonce, aad, ByteBuffer.wrap(HEX.parseHex(expected)), out);
        assertThat(out.array()).isEqualTo(plaintext);
        byte[] tampered = HEX.parseHex(expected);
        tampered[0] ^= 1;
        assertThatThrownBy(() -> aead.open(nonce, aad, ByteBuffer.wrap(tampered), ByteBuffer.allocate(200)))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void xchachaDraftAppendixA_3_1() throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (0x80 + i);
        }
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] nonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
        String expected = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e3"
                + "9ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f"
                + "9664c97637da9768812f615c68b13b52e" + "c0875924c1c7987947deafd8780acf49";
        ChaChaPoly1305 aead = new ChaChaPoly1305(AeadAlgorithm.XCHACHA20_POLY1305, key, 20, true);
        assertThat(HEX.formatHex(aead.seal(nonce, aad, plaintext))).isEqualTo(expected);
    }
}
