package org.codingkpi.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets in the configuration: where they come from and how they are kept out of output.
 *
 * <p>A setting's value may be a reference instead of the secret itself: {@code ${file:/run/secrets/kafka-password}}
 * (the file's content, without its final line break: a Kubernetes or Docker secret mounted as a file) or
 * {@code ${env:KAFKA_PASSWORD}} (an environment variable). A reference can stand inside a longer value
 * ({@code ... password="${file:/run/secrets/scram}";} in {@code sasl.jaas.config}). Kafka's own config-provider
 * references with a key ({@code ${file:/etc/app.properties:password}}, two colons) are left to Kafka.
 *
 * <p>{@link #isSecret} says which settings are secrets; {@link #mask} replaces their values for a log line or the
 * {@code config} command. An error about a secret names the setting and the file or variable, never the value.
 */
public final class Secrets {
    /** What a masked value reads as. */
    public static final String HIDDEN = "[hidden]";

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(file|env):([^}:]+)}");
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(password|secret|jaas\\.config|token|user\\.info|credentials|private\\.key|keystore\\.key|api\\.key).*");

    private Secrets() {
    }

    /** The value with every {@code ${file:PATH}} and {@code ${env:NAME}} replaced; {@code key} only for the error. */
    public static String resolve(String key, String value, Map<String, String> env) {
        if (value == null || value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String source = m.group(1);
            String where = m.group(2).trim();
            String resolved;
            if (source.equals("file")) {
                resolved = readSecretFile(key, Path.of(where));
            } else {
                resolved = env.get(where);
                if (resolved == null) {
                    throw new IllegalArgumentException(key + ": the environment variable " + where + " it refers to is not set");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A secret file's content without its final line break; the error names the file, never the content. */
    public static String readSecretFile(String key, Path file) {
        try {
            warnIfOthersCanRead(key, file);
            String s = Files.readString(file, StandardCharsets.UTF_8);
            if (s.endsWith("\n")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": cannot read the secret file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void warnIfOthersCanRead(String key, Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                org.slf4j.LoggerFactory.getLogger(Secrets.class).warn("{}: the secret file {} is readable by every local user; "
                        + "make it owner-only (chmod 600)", key, file);
            }
        }
    }

    /** A setting whose value is a secret: passwords, JAAS configuration, tokens, user info, private keys. */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** The settings, sorted, with every secret's value {@link #HIDDEN} (and credentials removed from URLs). */
    public static Map<String, String> mask(Map<String, ?> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, isSecret(k) ? HIDDEN : withoutUrlCredentials(String.valueOf(v))));
        return out;
    }

    /** {@code https://user:pw@host/...} to {@code https://[hidden]@host/...}. */
    static String withoutUrlCredentials(String value) {
        return value.replaceAll("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s,]+@", "$1" + Matcher.quoteReplacement(HIDDEN) + "@");
    }
}
