package org.codingkpi.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for the TLS tests, made in memory with BouncyCastle: a CA, and leaf certificates it signs
 * (servers with loopback names, clients, an expired one), written as PKCS12 key and trust stores or PEM.
 * EC P-256 keys: fast to make on a busy machine.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /** A key pair and its certificate chain (leaf first). */
    public record Identity(KeyPair keys, List<X509Certificate> chain) {
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** A PKCS12 key store with this identity under alias {@code alias}, owner-only. */
        public Path writeKeyStore(Path file, String password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", keys.getPrivate(), password.toCharArray(), chain.toArray(Certificate[]::new));
                return store(ks, file, password);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** The certificate chain as PEM. */
        public Path writeCertPem(Path file) {
            StringBuilder s = new StringBuilder();
            for (X509Certificate c : chain) {
                s.append(pem("CERTIFICATE", encoded(c)));
            }
            return write(file, s.toString());
        }

        /** The private key as unencrypted PKCS#8 PEM. */
        public Path writeKeyPem(Path file) {
            return write(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        }
    }

    /** A certificate authority. */
    public static final class Ca {
        private final Identity identity;

        private Ca(Identity identity) {
            this.identity = identity;
        }

        public X509Certificate certificate() {
            return identity.certificate();
        }

        /** A certificate valid from an hour ago for a day. */
        public Identity issue(String dn, String... sans) {
            Instant now = Instant.now();
            return issue(dn, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), sans);
        }

        /** A certificate for {@code dn} with subject alternative names ({@code IP:127.0.0.1}, {@code DNS:localhost}). */
        public Identity issue(String dn, Instant notBefore, Instant notAfter, String... sans) {
            KeyPair keys = keyPair();
            X509Certificate cert = sign(new X500Name(dn), keys, new X500Name(identity.certificate().getSubjectX500Principal().getName()),
                    identity.keys(), notBefore, notAfter, false, sans);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(cert);
            chain.add(identity.certificate());
            return new Identity(keys, List.copyOf(chain));
        }

        /** A PKCS12 trust store with this CA's certificate. */
        public Path writeTrustStore(Path file, String password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("ca", identity.certificate());
                return store(ks, file, password);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        public Path writePem(Path file) {
            return write(file, pem("CERTIFICATE", encoded(identity.certificate())));
        }
    }

    public static Ca ca(String dn) {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name(dn);
        X509Certificate cert = sign(name, keys, name, keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true);
        return new Ca(new Identity(keys, List.of(cert)));
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, Instant notBefore,
                                        Instant notAfter, boolean ca, String... sans) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (sans.length > 0) {
                List<GeneralName> names = new ArrayList<>();
                for (String san : sans) {
                    names.add(san.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, san.substring(3))
                            : new GeneralName(GeneralName.dNSName, san.replaceFirst("^DNS:", "")));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate for " + subject, e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path store(KeyStore ks, Path file, String password) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
