package dev.sockscope.ui.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.tls.CertificateAuthority;
import dev.sockscope.ui.Main;

/** {@code sockscope ca}: one per user, how to trust it, the PEM alone, never the key; and --forward's guard. */
class CaCommandTest {
    @TempDir
    Path home;
    private String userHome;

    /** The CA is the user's: the test's user has its home in a temporary folder. */
    @BeforeEach
    void homeInTempFolder() {
        userHome = System.getProperty("user.home");
        System.setProperty("user.home", home.resolve("user").toString());
    }

    @AfterEach
    void restoreHome() {
        System.setProperty("user.home", userHome);
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void caIsCreatedInTheUsersFolderAndExplainsHowToTrustIt() throws Exception {
        String db = home.resolve("recordings").toString();
        Run shown = run("ca", "--db", db);
        assertThat(shown.code()).as(shown.err()).isZero();
        Path cert = home.resolve("user/.sockscope/ca/ca.pem");
        assertThat(shown.out()).contains(cert.toString()).contains("certutil -d sql:$HOME/.pki/nssdb").contains("Firefox")
                .contains("keytool -importcert").contains("update-ca-certificates").contains("SSL_CERT_FILE=" + cert)
                .contains("NODE_EXTRA_CA_CERTS=" + cert).doesNotContain("PRIVATE KEY");

        Run pem = run("ca", "--db", db, "--pem");
        assertThat(pem.out()).isEqualTo(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE");

        Run regenerated = run("ca", "--db", db, "--regenerate", "--pem");
        assertThat(regenerated.code()).isZero();
        assertThat(regenerated.out()).isNotEqualTo(pem.out()).isEqualTo(Files.readString(cert));
    }

    @Test
    void everyRecordingsFolderHasTheSameCaUnlessCaSaysOtherwise() throws Exception {
        Path cert = home.resolve("user/.sockscope/ca/ca.pem");
        Run first = run("ca", "--db", home.resolve("a/recordings").toString(), "--pem");
        Run second = run("ca", "--db", home.resolve("b/elsewhere/recordings").toString(), "--pem");
        assertThat(first.out()).isEqualTo(second.out()).isEqualTo(Files.readString(cert));

        Run chosen = run("ca", "--db", home.resolve("a/recordings").toString(), "--ca", home.resolve("mine").toString(), "--pem");
        assertThat(chosen.out()).isEqualTo(Files.readString(home.resolve("mine/ca.pem"))).isNotEqualTo(first.out());
        assertThat(chosen.err()).isEmpty();
    }

    @Test
    void aCaLeftBesideACustomRecordingsFolderIsNamedWithTheOneInUse() throws Exception {
        Path old = home.resolve("project/ca");
        CertificateAuthority.openOrCreate(old);
        Run shown = run("ca", "--db", home.resolve("project/recordings").toString());
        assertThat(shown.code()).isZero();
        assertThat(shown.out()).contains(home.resolve("user/.sockscope/ca/ca.pem").toString());
        assertThat(shown.err()).contains("the CA is " + home.resolve("user/.sockscope/ca")).contains("--ca " + old);
    }

    @Test
    void aForwardListenerOffLoopbackNeedsForwardAllow() {
        Run open = run("proxy", "--forward", "0.0.0.0:0", "--db", home.resolve("recordings").toString(), "--no-ui");
        assertThat(open.code()).isNotZero();
        assertThat(open.err()).contains("--forward-allow").contains("open proxy");
        assertThat(Files.exists(home.resolve("recordings"))).as("nothing started").isFalse();
    }

    @Test
    void proxyNeedsARouteOrTheForwardListener() {
        Run none = run("proxy", "--db", home.resolve("recordings").toString(), "--no-ui");
        assertThat(none.code()).isNotZero();
        assertThat(none.err()).contains("--route").contains("--forward");
    }
}
