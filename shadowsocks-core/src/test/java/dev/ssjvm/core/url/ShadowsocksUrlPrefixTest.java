package dev.ssjvm.core.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Outline's {@code prefix} parameter: percent-encoded UTF-8 of characters U+0000-U+00FF, one byte each. */
class ShadowsocksUrlPrefixTest {

    @Test
    void outlinesTlsExampleDecodesToItsBytes() {
        // Outline's documented example: a TLS record header; 0xA8 is written as the UTF-8 of U+00A8
        ShadowsocksUrl url = ShadowsocksUrl.parse(
                "ss://Y2hhY2hhMjAtaWV0Zi1wb2x5MTMwNTpzZWNyZXQ@example.com:443/?outline=1&prefix=%16%03%01%00%C2%A8%01%01");
        assertThat(url.method()).isEqualTo(CipherKind.CHACHA20_IETF_POLY1305);
        assertThat(url.prefix()).containsExactly(0x16, 0x03, 0x01, 0x00, 0xa8, 0x01, 0x01);
    }

    @Test
    void plainCharactersAreTheirOwnBytes() {
        ShadowsocksUrl url = ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?prefix=POST%20");
        assertThat(url.prefix()).isEqualTo("POST ".getBytes(StandardCharsets.US_ASCII));
        ShadowsocksUrl noPrefix = ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?prefix=");
        assertThat(noPrefix.prefix()).isNull();
    }

    @Test
    void roundTripsEveryByteValue() {
        byte[] all = new byte[28];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i * 9 + 0x7b); // crosses 0x80 and 0xFF
        }
        ShadowsocksUrl url = new ShadowsocksUrl(CipherKind.AES_256_GCM, "secret", "example.com", 8388, null, null,
                "tag", all);
        String text = url.toUri();
        assertThat(text).contains("/?prefix=");
        ShadowsocksUrl back = ShadowsocksUrl.parse(text);
        assertThat(back).isEqualTo(url);
        assertThat(back.prefix()).isEqualTo(all);

        ShadowsocksUrl withPlugin = new ShadowsocksUrl(CipherKind.AES_256_GCM, "secret", "example.com", 8388,
                "obfs-local", "obfs=http", null, new byte[] {0x16, 0x03});
        assertThat(withPlugin.toUri()).contains("/?plugin=obfs-local%3Bobfs%3Dhttp&prefix=%16%03");
        assertThat(ShadowsocksUrl.parse(withPlugin.toUri())).isEqualTo(withPlugin);
    }

    @Test
    void refusesWhatOutlineRefuses() {
        // a lone %A8 is not UTF-8; Outline refuses it too
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?prefix=%A8"))
                .hasMessageContaining("prefix").hasMessageContaining("%C2%A8");
        // U+0100 does not fit in a byte
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?prefix=%C4%80"))
                .hasMessageContaining("U+0100");
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?prefix=%1"))
                .hasMessageContaining("two hex digits");
    }

    @Test
    void toStringNamesThePrefixLengthOnly() {
        ShadowsocksUrl url = ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@127.0.0.1:8388/?prefix=POST%20");
        assertThat(url.toString()).doesNotContain("secret").contains("prefix of 5 bytes");
    }
}
