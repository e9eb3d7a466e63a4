package dev.ssjvm.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KdfTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void evpBytesToKeyMatchesOpenSslEnc() {
        // openssl enc -aes-256-cbc -k secret -nosalt -md md5 -P  ->  key=5EBE2294...A6BB
        assertThat(HEX.formatHex(Kdf.evpBytesToKey("secret", 32)))
                .isEqualTo("5ebe2294ecd0e0f08eab7690d2a6ee6926ae5cc854e36b6bdfca366848dea6bb");
        assertThat(HEX.formatHex(Kdf.evpBytesToKey("secret", 16))).isEqualTo("5ebe2294ecd0e0f08eab7690d2a6ee69");
        assertThat(HEX.formatHex(Kdf.evpBytesToKey("secret", 24)))
                .isEqualTo("5ebe2294ecd0e0f08eab7690d2a6ee6926ae5cc854e36b6b");
    }

    @Test
    void evpBytesToKeyMatchesLibcryptoForEveryVector() {
        for (AeadVectors.Vector v : AeadVectors.load()) {
            assertThat(Kdf.evpBytesToKey(v.get("password"), v.method().keySize()))
                    .as(v.toString()).isEqualTo(v.hex("master_key"));
        }
    }

    @Test
    void hkdfSha1Rfc5869TestCase4() {
        byte[] okm = Kdf.hkdfSha1(HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b"), HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896");
    }

    @Test
    void hkdfSha1Rfc5869TestCase6EmptySaltAndInfo() {
        byte[] okm = Kdf.hkdfSha1(HEX.parseHex("0b".repeat(22)), new byte[0], new byte[0], 42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("0ac1af7002b3d761d1e55298da9d0506b9ae52057220a306e07b6b87e8df21d0ea00033de03984d34918");
    }

    @Test
    void sessionSubkeyMatchesVectors() {
        for (AeadVectors.Vector v : AeadVectors.load()) {
            assertThat(Kdf.sessionSubkey(v.hex("master_key"), v.hex("salt"))).as(v.toString()).isEqualTo(v.hex("subkey"));
        }
    }
}
