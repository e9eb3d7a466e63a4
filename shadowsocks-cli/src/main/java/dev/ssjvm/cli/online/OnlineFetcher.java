package dev.ssjvm.cli.online;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Fetches an online config document with the JDK's HttpClient: HTTPS only (redirects to plain HTTP are
 * not followed), the system's trust store or the configured CA file, host names verified, bounded in
 * time and size. Blocking: it runs on the online config's own thread, never on an event loop.
 */
final class OnlineFetcher {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final OnlineConfig config;
    private final HttpClient client;

    /** @throws IOException if the CA file cannot be read or holds no certificate */
    OnlineFetcher(OnlineConfig config) throws IOException {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL); // never from HTTPS to HTTP
        if (config.caFile() != null) {
            builder.sslContext(trusting(config));
        }
        this.client = builder.build();
    }

    private static SSLContext trusting(OnlineConfig config) throws IOException {
        try (InputStream in = Files.newInputStream(config.caFile())) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException(config.caFile() + ": no PEM certificate in it");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(config.caFile() + ": not usable as PEM CA certificates: " + e.getMessage(), e);
        }
    }

    /**
     * The document's text.
     *
     * @throws IOException saying what went wrong (connection, TLS, status, size), without the URL's path
     */
    String fetch() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(config.url())
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, text/plain, */*")
                .GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IOException(describe(e), e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP status " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(OnlineDocument.MAX_SIZE + 1);
            if (bytes.length > OnlineDocument.MAX_SIZE) {
                throw new IOException("the document is larger than " + OnlineDocument.MAX_SIZE + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String describe(IOException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return (e instanceof java.net.http.HttpTimeoutException ? "timed out: " : "") + message;
    }
}
