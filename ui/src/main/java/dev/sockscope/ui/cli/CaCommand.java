package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.sockscope.proxy.tls.CertificateAuthority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope ca}: where the forward proxy's CA certificate is and how to trust it. Never prints the key. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = {"Shows where the certificate of Sockscope's certificate authority is (created on first use) and how to "
                + "trust it in browsers, the JDK, Python, Node and Debian, so that 'proxy --forward' can intercept TLS.",
                "The CA's private key stays in its folder, readable by you alone; it is never printed."})
public final class CaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    CaOption ca = new CaOption();

    @Option(names = "--pem", description = "Print the CA certificate (PEM) only.")
    boolean pem;

    @Option(names = "--regenerate", description = "Replace the CA with a new one: clients must trust the new certificate again.")
    boolean regenerate;

    @Override
    public Integer call() throws Exception {
        Path folder = ca.folder(db.folder().orElse(null), spec.commandLine().getErr());
        CertificateAuthority authority = regenerate ? CertificateAuthority.regenerate(folder) : CertificateAuthority.openOrCreate(folder);
        PrintWriter out = spec.commandLine().getOut();
        if (pem) {
            out.print(authority.certificatePem());
            out.flush();
            return 0;
        }
        String cert = authority.certificateFile().toString();
        if (regenerate) {
            out.println("A new CA replaces the old one: remove the old 'Sockscope CA' from where you trusted it, then trust this one.");
        }
        out.println("Sockscope CA certificate: " + cert);
        out.println("  " + authority.certificate().getSubjectX500Principal().getName() + ", valid until "
                + authority.certificate().getNotAfter().toInstant());
        out.println();
        out.println("Trust it in the client you debug (only there: whoever has the key in " + folder + " can impersonate any site to it):");
        out.println("  Chromium, Chrome (Linux, NSS):  certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n sockscope -i " + cert);
        out.println("                                  (Debian: apt-get install libnss3-tools; then restart the browser)");
        out.println("  Firefox:                        Settings > Privacy & Security > Certificates > View Certificates >");
        out.println("                                  Authorities > Import " + cert + ", tick 'identify websites'");
        out.println("  JDK (keytool):                  keytool -importcert -noprompt -alias sockscope -file " + cert
                + " -keystore sockscope.p12 -storepass changeit");
        out.println("                                  then java -Djavax.net.ssl.trustStore=sockscope.p12 -Djavax.net.ssl.trustStorePassword=changeit ...");
        out.println("  Debian system store:            cp " + cert + " /usr/local/share/ca-certificates/sockscope.crt && update-ca-certificates");
        out.println("  Python (requests, websockets):  SSL_CERT_FILE=" + cert + " (REQUESTS_CA_BUNDLE=" + cert + " for requests)");
        out.println("  Node:                           NODE_EXTRA_CA_CERTS=" + cert);
        out.println();
        out.println("Then point the client at the proxy: sockscope proxy --forward 8080, and HTTPS_PROXY=http://127.0.0.1:8080,");
        out.println("or chromium --proxy-server=127.0.0.1:8080. 'sockscope ca --pem' prints the certificate itself.");
        out.flush();
        return 0;
    }
}
