package dev.sockscope.proxy.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of an intercepted tunnel: a key manager that answers each TLS handshake with a certificate for the
 * host the client asked for (its SNI name, else the CONNECT target looked up by the tunnel's port), issued by the CA
 * on first use and cached: the {@value #MAX_CACHED} most recently used hosts (about 1 KiB each; all leaves share one
 * key), so a long crawl through the proxy does not grow without end. An evicted host is issued again (about 2 ms).
 */
public final class HostCertificates extends X509ExtendedKeyManager {
    private final CertificateAuthority ca;
    private final IntFunction<String> targetByPeerPort;
    static final int MAX_CACHED = 4096;
    private final Map<String, IssuedCertificate> issued = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, IssuedCertificate> eldest) {
                    return size() > MAX_CACHED;
                }
            });

    /** @param targetByPeerPort the CONNECT host of the tunnel whose local port is the TLS peer's port, or null */
    public HostCertificates(CertificateAuthority ca, IntFunction<String> targetByPeerPort) {
        this.ca = ca;
        this.targetByPeerPort = targetByPeerPort;
    }

    /** A TLS context whose server certificates come from here. */
    public SSLContext sslContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {this}, null, null);
        return context;
    }

    /** The certificate for {@code host}, issued now if this is its first use. */
    public IssuedCertificate forHost(String host) {
        String key = host.toLowerCase(java.util.Locale.ROOT);
        IssuedCertificate known = issued.get(key);
        if (known != null) {
            return known;
        }
        IssuedCertificate fresh = ca.issue(key); // outside the lock: two first handshakes may both issue, one is kept
        IssuedCertificate raced = issued.putIfAbsent(key, fresh);
        return raced != null ? raced : fresh;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (!keyType.startsWith("EC")) {
            return null; // the leaves are EC keys: let the handshake pick an EC suite
        }
        String host = requestedName(engine);
        if (host == null) {
            host = targetByPeerPort.apply(engine.getPeerPort());
        }
        if (host == null) {
            return null;
        }
        forHost(host);
        return host.toLowerCase(java.util.Locale.ROOT);
    }

    private static String requestedName(SSLEngine engine) {
        if (!(engine.getHandshakeSession() instanceof ExtendedSSLSession session)) {
            return null;
        }
        List<SNIServerName> names = session.getRequestedServerNames();
        for (SNIServerName n : names) {
            if (n.getType() == StandardConstants.SNI_HOST_NAME) {
                return ((SNIHostName) n).getAsciiName();
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return alias == null ? null : forHost(alias).chain().clone(); // issued again if evicted since it was chosen
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return alias == null ? null : forHost(alias).key();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null; // Jetty's connections use engines, never sockets
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        synchronized (issued) {
            return issued.keySet().toArray(String[]::new);
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
