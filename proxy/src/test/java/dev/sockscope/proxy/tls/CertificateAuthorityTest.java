package dev.sockscope.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sockscope's CA: created once, owner-only, reopened as it was; leaves that chain to it with the right SAN. */
class CertificateAuthorityTest {
    @TempDir
    Path home;

    @Test
    void isCreatedOwnerOnlyAndReopenedUnchanged() throws Exception {
        Path folder = home.resolve("ca");
        CertificateAuthority ca = CertificateAuthority.openOrCreate(folder);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("ca-key.pem")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("ca.pem")))).isEqualTo("rw-------");
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");

        CertificateAuthority again = CertificateAuthority.openOrCreate(folder);
        assertThat(again.certificate()).isEqualTo(ca.certificate());
        assertThat(chainsTo(again.issue("example.org"), ca.certificate())).isTrue(); // the reopened key still signs for it

        CertificateAuthority fresh = CertificateAuthority.regenerate(folder);
        assertThat(fresh.certificate()).isNotEqualTo(ca.certificate());
        assertThat(CertificateAuthority.openOrCreate(folder).certificate()).isEqualTo(fresh.certificate());
    }

    @Test
    void leavesNameTheirHostOrAddressAndChainToTheCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.openOrCreate(home.resolve("ca"));
        IssuedCertificate name = ca.issue("chat.example.org");
        IssuedCertificate ip = ca.issue("127.0.0.1");
        IssuedCertificate v6 = ca.issue("::1");
        assertThat(name.chain()[0].getSubjectAlternativeNames()).containsExactly(List.of(2, "chat.example.org"));
        assertThat(ip.chain()[0].getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
        assertThat(v6.chain()[0].getSubjectAlternativeNames()).hasSize(1).allMatch(san -> san.get(0).equals(7));
        assertThat(name.chain()[0].getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(name.chain()[0].getBasicConstraints()).isEqualTo(-1);
        assertThat(chainsTo(name, ca.certificate())).isTrue();
        assertThat(chainsTo(name, CertificateAuthority.openOrCreate(home.resolve("other")).certificate())).isFalse();
    }

    @Test
    void eachHostIsIssuedOnceThenServedFromTheCache() throws Exception {
        HostCertificates certificates = new HostCertificates(CertificateAuthority.openOrCreate(home.resolve("ca")), port -> null);
        IssuedCertificate first = certificates.forHost("Chat.Example.org");
        assertThat(certificates.forHost("chat.example.org")).isSameAs(first);
        assertThat(certificates.forHost("other.example.org")).isNotSameAs(first);
        assertThat(certificates.getServerAliases("EC", null)).containsExactlyInAnyOrder("chat.example.org", "other.example.org");
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedHostsAndIssuesAnEvictedOneAgain() throws Exception {
        HostCertificates certificates = new HostCertificates(CertificateAuthority.openOrCreate(home.resolve("ca")), port -> null);
        IssuedCertificate kept = certificates.forHost("kept.example.org");
        IssuedCertificate evicted = certificates.forHost("evicted.example.org");
        for (int i = 0; i < HostCertificates.MAX_CACHED - 1; i++) {
            certificates.forHost("host" + i + ".example.org");
            if (i % 1000 == 0) {
                certificates.forHost("kept.example.org"); // in use: stays
            }
        }
        assertThat(certificates.getServerAliases("EC", null)).hasSize(HostCertificates.MAX_CACHED)
                .contains("kept.example.org").doesNotContain("evicted.example.org");
        assertThat(certificates.forHost("kept.example.org")).isSameAs(kept);
        assertThat(certificates.getCertificateChain("evicted.example.org")).as("issued again when asked for")
                .isNotNull().isNotSameAs(evicted.chain());
        assertThat(chainsTo(certificates.forHost("evicted.example.org"), CertificateAuthority.openOrCreate(home.resolve("ca")).certificate()))
                .isTrue();
    }

    private static boolean chainsTo(IssuedCertificate leaf, X509Certificate ca) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        try {
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(leaf.chain()[0])), params);
            return true;
        } catch (java.security.cert.CertPathValidatorException e) {
            return false;
        }
    }
}
