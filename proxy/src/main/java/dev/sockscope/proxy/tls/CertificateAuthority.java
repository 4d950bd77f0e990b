package dev.sockscope.proxy.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * Sockscope's own certificate authority for TLS interception: an EC P-256 key and a self-signed CA certificate kept
 * in one folder readable by the user alone ({@code ca.pem}, {@code ca-key.pem}), and the leaf certificates it signs
 * for each intercepted host. X.509 is Bouncy Castle's; the key never leaves this class except to sign.
 */
public final class CertificateAuthority {
    public static final String CERT_FILE = "ca.pem";
    public static final String KEY_FILE = "ca-key.pem";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Browsers refuse leaves valid for more than 398 days. */
    private static final Duration LEAF_VALIDITY = Duration.ofDays(397);

    private final Path folder;
    private final X509Certificate certificate;
    private final PrivateKey key;
    /** One key for every leaf (as mitmproxy does): issuing a host's certificate is then one signature. */
    private final KeyPair leafKeys;
    private final SecureRandom random = new SecureRandom();

    private CertificateAuthority(Path folder, X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        this.folder = folder;
        this.certificate = certificate;
        this.key = key;
        this.leafKeys = newKeyPair();
    }

    /** The CA in {@code folder}, created there (0700 folder, 0600 files) when it has none yet. */
    public static CertificateAuthority openOrCreate(Path folder) throws IOException {
        try {
            if (Files.isRegularFile(folder.resolve(CERT_FILE)) && Files.isRegularFile(folder.resolve(KEY_FILE))) {
                return new CertificateAuthority(folder, readCertificate(folder.resolve(CERT_FILE)), readKey(folder.resolve(KEY_FILE)));
            }
            return create(folder);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot open the certificate authority in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A new CA in {@code folder}, replacing any there: certificates it issued before are no longer trusted. */
    public static CertificateAuthority regenerate(Path folder) throws IOException {
        try {
            return create(folder);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create a certificate authority in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static CertificateAuthority create(Path folder) throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Sockscope CA (" + System.getProperty("user.name", "local") + "), O=Sockscope");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(new SecureRandom()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = sign(builder, pair.getPrivate());
        createPrivateFolder(folder);
        writePrivate(folder.resolve(KEY_FILE), pkcs8Pem(pair.getPrivate()));
        writePrivate(folder.resolve(CERT_FILE), pem(cert));
        return new CertificateAuthority(folder, cert, pair.getPrivate());
    }

    public Path certificateFile() {
        return folder.resolve(CERT_FILE);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    /** A leaf for {@code host} (a DNS name or an IP literal) signed by this CA, its SAN naming the host. */
    public IssuedCertificate issue(String host) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(LEAF_VALIDITY)),
                    new X500Name("CN=" + host.replace(",", "\\,").replace("=", "\\=")), leafKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            GeneralName san = isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(host, new X509Certificate[] {sign(builder, key), certificate}, leafKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** PKCS#8 ("BEGIN PRIVATE KEY"), the form every tool reads, rather than OpenSSL's older EC-specific one. */
    private static String pkcs8Pem(PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        }
        return out.toString();
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            if (!(p.readObject() instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " holds no certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            if (!(p.readObject() instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " holds no PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    private static void createPrivateFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        if (posix(folder)) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Written to a 0600 file created anew, so that the key is never readable by others, not even for a moment. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        if (posix(file.getParent())) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean posix(Path path) throws IOException {
        return Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
