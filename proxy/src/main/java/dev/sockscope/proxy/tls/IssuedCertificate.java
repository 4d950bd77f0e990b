package dev.sockscope.proxy.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A leaf certificate for one host, with the CA's certificate after it, and its key. */
public record IssuedCertificate(String host, X509Certificate[] chain, PrivateKey key) {
}
