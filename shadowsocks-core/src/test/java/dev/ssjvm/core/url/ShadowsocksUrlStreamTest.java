package dev.ssjvm.core.url;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssjvm.crypto.CipherKind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** ss:// URLs naming the legacy stream methods: base64 userinfo, as old clients write them. */
class ShadowsocksUrlStreamTest {
    @Test
    void streamMethodsParseAndRoundTrip() {
        String userinfo = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("rc4-md5:old-router".getBytes(StandardCharsets.UTF_8));
        ShadowsocksUrl url = ShadowsocksUrl.parse("ss://" + userinfo + "@192.168.1.1:8388#router");
        assertThat(url.method()).isEqualTo(CipherKind.RC4_MD5);
        assertThat(url.password()).isEqualTo("old-router");
        assertThat(ShadowsocksUrl.parse(url.toUri())).isEqualTo(url);

        // the original's form: everything base64, aes-256-cfb being its default method
        String legacy = Base64.getEncoder().encodeToString("aes-256-cfb:p4ss@10.0.0.1:443".getBytes(StandardCharsets.UTF_8));
        ShadowsocksUrl old = ShadowsocksUrl.parse("ss://" + legacy);
        assertThat(old.method()).isEqualTo(CipherKind.AES_256_CFB);
        assertThat(old.password()).isEqualTo("p4ss");
        assertThat(old.port()).isEqualTo(443);

        String plain = Base64.getUrlEncoder().withoutPadding().encodeToString("plain:x".getBytes(StandardCharsets.UTF_8));
        assertThat(ShadowsocksUrl.parse("ss://" + plain + "@127.0.0.1:1").method()).isEqualTo(CipherKind.NONE);
    }
}
