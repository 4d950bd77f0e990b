package dev.sockscope.ui.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.sockscope.proxy.testing.ChildProcess;

/** Test keys: a self-signed upstream certificate made with keytool, and client contexts trusting one certificate. */
final class Tls {
    static final String PASSWORD = "secret123";

    private Tls() {
    }

    /** A PKCS#12 keystore with a self-signed certificate for localhost and 127.0.0.1. */
    static Path selfSignedKeystore(Path folder) throws Exception {
        Path keystore = folder.resolve("upstream.p12");
        ChildProcess.run(ChildProcess.jdkTool("keytool",
                "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        return keystore;
    }

    /** A client TLS context that trusts {@code ca} and nothing else. */
    static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
