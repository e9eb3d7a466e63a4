package dev.ssjvm.core.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssjvm.crypto.CipherKind;
import org.junit.jupiter.api.Test;

class ShadowsocksUrlTest {
    @Test
    void sip002ExamplesFromTheSpec() {
        // the examples of SIP002
        ShadowsocksUrl a = ShadowsocksUrl.parse(
                "ss://2022-blake3-aes-256-gcm:YctPZ6U7xPPcU%2Bgp3u%2B0tx%2FtRizJN9K8y%2BuKlW2qjlI%3D@192.168.100.1:8888#Example3");
        assertThat(a.method()).isEqualTo(CipherKind.BLAKE3_AES_256_GCM);
        assertThat(a.password()).isEqualTo("YctPZ6U7xPPcU+gp3u+0tx/tRizJN9K8y+uKlW2qjlI=");
        assertThat(a.host()).isEqualTo("192.168.100.1");
        assertThat(a.port()).isEqualTo(8888);
        assertThat(a.tag()).isEqualTo("Example3");

        ShadowsocksUrl b = ShadowsocksUrl.parse(
                "ss://YWVzLTEyOC1nY206dGVzdA@192.168.100.1:8888/?plugin=obfs-local%3Bobfs%3Dhttp%3Bobfs-host%3Dgoogle.com#Example2");
        assertThat(b.method()).isEqualTo(CipherKind.AES_128_GCM);
        assertThat(b.password()).isEqualTo("test");
        assertThat(b.plugin()).isEqualTo("obfs-local");
        assertThat(b.pluginOptions()).isEqualTo("obfs=http;obfs-host=google.com");
        assertThat(b.tag()).isEqualTo("Example2");

        ShadowsocksUrl c = ShadowsocksUrl.parse("ss://YWVzLTEyOC1nY206dGVzdA@192.168.100.1:8888#Example1");
        assertThat(c.password()).isEqualTo("test");
    }

    @Test
    void paddedStandardBase64AndIpv6AndLegacyForm() {
        ShadowsocksUrl padded = ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206c2VjcmV0@[::1]:8388");
        assertThat(padded.host()).isEqualTo("0:0:0:0:0:0:0:1");
        ShadowsocksUrl legacy = ShadowsocksUrl.parse("ss://YWVzLTI1Ni1nY206cDRzc0B3MHJkQDEyNy4wLjAuMTo4Mzg4#old");
        assertThat(legacy.method()).isEqualTo(CipherKind.AES_256_GCM);
        assertThat(legacy.password()).isEqualTo("p4ss@w0rd");
        assertThat(legacy.host()).isEqualTo("127.0.0.1");
        assertThat(legacy.port()).isEqualTo(8388);
    }

    @Test
    void printsWhatItParses() {
        for (String url : new String[] {
            "ss://YWVzLTI1Ni1nY206c2VjcmV0@example.com:8388#tag%20with%20space",
            "ss://2022-blake3-aes-128-gcm:AAAAAAAAAAAAAAAAAAAAAA%3D%3D@127.0.0.1:1",
            "ss://Y2hhY2hhMjAtaWV0Zi1wb2x5MTMwNTpw@h:2/?plugin=v2ray-plugin%3Bserver"}) {
            ShadowsocksUrl parsed = ShadowsocksUrl.parse(url);
            assertThat(ShadowsocksUrl.parse(parsed.toUri())).isEqualTo(parsed);
            assertThat(parsed.toUri()).isEqualTo(url);
        }
    }

    @Test
    void errorsSayWhatIsWrongWithoutThePassword() {
        assertThatThrownBy(() -> ShadowsocksUrl.parse("http://x")).hasMessageContaining("ss://");
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://rot13:hunter2@h:1"))
                .hasMessageContaining("unsupported method 'rot13'").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://aes-256-gcm:hunter2@h"))
                .hasMessageContaining("host:port").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://!!!@h:1")).hasMessageContaining("base64");
        assertThat(ShadowsocksUrl.parse("ss://aes-256-gcm:hunter2@h:1").toString()).doesNotContain("hunter2");
        // a fuzz finding: the options would not survive toUri() (ShadowsocksUrlFuzzTestInputs/parse/)
        assertThatThrownBy(() -> ShadowsocksUrl.parse("ss://aes-256-gcm:hunter2@h:1/?plugin=%3Bobfs%3Dhttp"))
                .hasMessageContaining("options but no plugin").hasMessageNotContaining("hunter2");
    }
}
