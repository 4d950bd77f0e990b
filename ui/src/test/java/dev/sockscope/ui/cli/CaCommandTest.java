package dev.sockscope.ui.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.ui.Main;

/** {@code sockscope ca}: beside the recordings folder, how to trust it, the PEM alone, never the key; and --forward's guard. */
class CaCommandTest {
    @TempDir
    Path home;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void caIsCreatedBesideTheRecordingsAndExplainsHowToTrustIt() throws Exception {
        String db = home.resolve("recordings").toString();
        Run shown = run("ca", "--db", db);
        assertThat(shown.code()).as(shown.err()).isZero();
        Path cert = home.resolve("ca").resolve("ca.pem");
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
