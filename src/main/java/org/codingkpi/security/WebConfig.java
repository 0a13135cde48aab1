package org.codingkpi.security;

import org.codingkpi.config.Secrets;
import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS and basic authentication of the HTTP endpoints, read from a file in the format of Prometheus' own web
 * configuration file ({@code --web.config.file}, the exporter toolkit's format):
 *
 * <pre>{@code
 * tls_server_config:
 *   # a PKCS12 key store (this project's addition) ...
 *   keystore_file: /etc/coding-kpi/metrics.p12
 *   keystore_password: ${file:/run/secrets/metrics-keystore-password}
 *   # ... or Prometheus' PEM pair (unencrypted PKCS#8 key)
 *   # cert_file: /etc/coding-kpi/metrics.crt
 *   # key_file: /etc/coding-kpi/metrics.key
 *   min_version: TLS12
 * basic_auth_users:
 *   # user: bcrypt hash (htpasswd -nBC 10 "" | tr -d ':\n')
 *   prometheus: $2y$10$...
 * }</pre>
 *
 * Either section may be left out. Unknown keys are errors (as in Prometheus). Passwords are checked with
 * bcrypt ({@code at.favre.lib:bcrypt}); a password that matched once is remembered by its SHA-256 (not the
 * password) so that a scrape every few seconds does not cost a bcrypt round each time.
 */
public final class WebConfig {
    private static final Set<String> TOP_KEYS = Set.of("tls_server_config", "basic_auth_users");
    private static final Set<String> TLS_KEYS = Set.of("keystore_file", "keystore_password", "keystore_type", "cert_file", "key_file",
            "min_version");
    /** Checked when the user is unknown, so that an unknown user costs as much as a wrong password. */
    private static final byte[] DUMMY_HASH = BCrypt.withDefaults().hash(10, new byte[16], "unknown user".getBytes(StandardCharsets.UTF_8));

    private final SSLContext sslContext;
    private final String[] protocols;
    private final Map<String, byte[]> users;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    private WebConfig(SSLContext sslContext, String[] protocols, Map<String, byte[]> users) {
        this.sslContext = sslContext;
        this.protocols = protocols;
        this.users = users;
    }

    /** Reads and checks the file; {@code env} resolves {@code ${env:NAME}} references. */
    public static WebConfig load(Path file, Map<String, String> env) {
        String where = "web config " + file;
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read it as YAML (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new WebConfig(null, null, Map.of());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping with tls_server_config and/or basic_auth_users");
        }
        unknownKeys(where, root, TOP_KEYS);
        SSLContext ssl = null;
        String[] protocols = null;
        JsonNode tls = root.get("tls_server_config");
        if (tls != null && !tls.isNull()) {
            unknownKeys(where + ": tls_server_config", tls, TLS_KEYS);
            ssl = sslContext(where, file.toAbsolutePath().getParent(), tls, env);
            String min = text(tls, "min_version");
            protocols = switch (min == null ? "TLS12" : min) {
                case "TLS12" -> new String[] {"TLSv1.3", "TLSv1.2"};
                case "TLS13" -> new String[] {"TLSv1.3"};
                default -> throw new IllegalArgumentException(where + ": tls_server_config.min_version: expected TLS12 or TLS13, got " + min);
            };
        }
        Map<String, byte[]> users = new LinkedHashMap<>();
        JsonNode auth = root.get("basic_auth_users");
        if (auth != null && !auth.isNull()) {
            if (!auth.isObject()) {
                throw new IllegalArgumentException(where + ": basic_auth_users: expected a mapping of user name to bcrypt hash");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = auth.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String hash = e.getValue().asText("");
                if (!hash.matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                    // the message names the user, never the value (it could be a password pasted by mistake)
                    throw new IllegalArgumentException(where + ": basic_auth_users." + e.getKey()
                            + ": expected a bcrypt hash ($2y$10$... , htpasswd -nBC 10 \"\" | tr -d ':\\n')");
                }
                users.put(e.getKey(), hash.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new WebConfig(ssl, protocols, Map.copyOf(users));
    }

    /** The TLS context, or null when the endpoints speak plain HTTP. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The TLS versions the server accepts (null without TLS). */
    public String[] protocols() {
        return protocols == null ? null : protocols.clone();
    }

    public boolean requiresAuthentication() {
        return !users.isEmpty();
    }

    /** True when {@code user} is configured and {@code password} matches its bcrypt hash. */
    public boolean check(String user, String password) {
        byte[] hash = users.get(user);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        if (hash == null) {
            try {
                BCrypt.verifyer().verify(pw, DUMMY_HASH);
            } catch (IllegalArgumentException e) {
                // too long: refused below anyway
            }
            return false;
        }
        byte[] digest = sha256(user, pw);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        boolean ok;
        try {
            ok = BCrypt.verifyer().verify(pw, hash).verified;
        } catch (IllegalArgumentException e) {
            // longer than bcrypt's 72 bytes: no configured password can be that (Prometheus' Go bcrypt refuses them too)
            ok = false;
        }
        if (ok) {
            verified.put(user, digest);
        }
        return ok;
    }

    private static byte[] sha256(String user, byte[] password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(user.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(password);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext sslContext(String where, Path base, JsonNode tls, Map<String, String> env) {
        String keystore = text(tls, "keystore_file");
        String cert = text(tls, "cert_file");
        String key = text(tls, "key_file");
        try {
            KeyStore store;
            char[] password;
            if (keystore != null) {
                if (cert != null || key != null) {
                    throw new IllegalArgumentException(where + ": tls_server_config: give keystore_file or cert_file and key_file, not both");
                }
                String raw = text(tls, "keystore_password");
                password = raw == null ? new char[0] : Secrets.resolve("tls_server_config.keystore_password", raw, env).toCharArray();
                String type = text(tls, "keystore_type");
                store = KeyStore.getInstance(type == null ? "PKCS12" : type);
                try (InputStream in = Files.newInputStream(base.resolve(keystore))) {
                    store.load(in, password);
                } catch (IOException e) {
                    // a wrong password reads as an IOException; its message carries no secret
                    throw new IllegalArgumentException(where + ": tls_server_config.keystore_file: cannot load " + base.resolve(keystore)
                            + " (" + e.getMessage() + "; check keystore_password)");
                }
            } else if (cert != null && key != null) {
                password = new char[0];
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<Certificate> chain = new ArrayList<>();
                try (InputStream in = Files.newInputStream(base.resolve(cert))) {
                    chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
                }
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException(where + ": tls_server_config.cert_file: no certificate in " + base.resolve(cert));
                }
                store.setKeyEntry("server", pemKey(where, base.resolve(key)), password, chain.toArray(Certificate[]::new));
            } else {
                throw new IllegalArgumentException(where + ": tls_server_config: expected keystore_file, or cert_file and key_file");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(where + ": tls_server_config: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static PrivateKey pemKey(String where, Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(where + ": tls_server_config.key_file: expected an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY) in "
                    + file + "; convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(where + ": tls_server_config.key_file: not an RSA, EC or Ed25519 key: " + file);
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void unknownKeys(String where, JsonNode node, Set<String> known) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key " + k + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        });
    }

}
