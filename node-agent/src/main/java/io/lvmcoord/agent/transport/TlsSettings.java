package io.lvmcoord.agent.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code lvmcoord.agent.tls} (see reference.conf): this node's key store and the trust store
 * that decides which peers may connect, for the {@code tls-tcp} transport.
 *
 * @param keyStore    null = not configured
 * @param keyPassword the private key's password; the key store's password when configured empty
 * @param trustStore  null = not configured
 */
public record TlsSettings(Path keyStore, String keyStorePassword, String keyPassword, Path trustStore,
                          String trustStorePassword, String protocol, boolean hostnameVerification) {

    /**
     * Cipher suites per protocol. Pekko's defaults are TLS 1.3 suites only, so choosing TLSv1.2
     * without these would fail every handshake; both lists are AEAD with forward secrecy.
     */
    private static final Map<String, List<String>> SUITES = Map.of(
            "TLSv1.3", List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"),
            "TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));

    public TlsSettings {
        if (!SUITES.containsKey(protocol)) {
            throw new IllegalArgumentException("lvmcoord.agent.tls.protocol must be TLSv1.3 or TLSv1.2, got \"" + protocol + "\"");
        }
        if (keyPassword.isEmpty()) {
            keyPassword = keyStorePassword;
        }
    }

    public static TlsSettings from(Config tls) {
        return new TlsSettings(pathOrNull(tls.getString("key-store")), tls.getString("key-store-password"),
                tls.getString("key-password"), pathOrNull(tls.getString("trust-store")), tls.getString("trust-store-password"),
                tls.getString("protocol").trim(), tls.getBoolean("hostname-verification"));
    }

    private static Path pathOrNull(String s) {
        return s.isBlank() ? null : Path.of(s.trim());
    }

    /** {@code pekko.remote.artery.ssl}: the config-driven engine, always with mutual authentication. */
    Config pekkoSsl() {
        Map<String, Object> engine = Map.of(
                "key-store", String.valueOf(keyStore),
                "key-store-password", keyStorePassword,
                "key-password", keyPassword,
                "trust-store", String.valueOf(trustStore),
                "trust-store-password", trustStorePassword,
                "protocol", protocol,
                "enabled-algorithms", SUITES.get(protocol),
                // Not a setting: without it anyone reaching the port could send messages in (a Down, say);
                // only the node's replies, on connections it opens itself, would need a trusted certificate.
                "require-mutual-authentication", true,
                "hostname-verification", hostnameVerification);
        return ConfigFactory.empty()
                .withValue("ssl-engine-provider", ConfigValueFactory.fromAnyRef("org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider"))
                .withValue("config-ssl-engine", ConfigValueFactory.fromMap(engine));
    }

    /**
     * Opens both stores the way Pekko will, so that a wrong path or password stops the agent at
     * start with the file named, instead of surfacing later as a refused handshake in the log.
     *
     * @throws IllegalArgumentException naming the key, the file and what is wrong with it
     */
    public void verifyStores() {
        KeyStore keys = open(keyStore, "key-store", "--tls-key-store", keyStorePassword, "key-store-password",
                "LVMCOORD_TLS_KEY_STORE_PASSWORD");
        try {
            if (Collections.list(keys.aliases()).stream().noneMatch(a -> isKeyEntry(keys, a))) {
                throw new IllegalArgumentException("lvmcoord.agent.tls.key-store " + keyStore
                        + " holds no private key: tls-tcp needs this node's key and certificate in it");
            }
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).init(keys, keyPassword.toCharArray());
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("the private key in lvmcoord.agent.tls.key-store " + keyStore
                    + " cannot be read with lvmcoord.agent.tls.key-password (env LVMCOORD_TLS_KEY_PASSWORD; empty = the key"
                    + " store's password): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("lvmcoord.agent.tls.key-store " + keyStore + " is not usable: " + e.getMessage(), e);
        }
        KeyStore trusted = open(trustStore, "trust-store", "--tls-trust-store", trustStorePassword, "trust-store-password",
                "LVMCOORD_TLS_TRUST_STORE_PASSWORD");
        try {
            if (trusted.size() == 0) {
                throw new IllegalArgumentException("lvmcoord.agent.tls.trust-store " + trustStore
                        + " is empty: with no trusted certificate no node could join this one");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("lvmcoord.agent.tls.trust-store " + trustStore + " is not usable: " + e.getMessage(), e);
        }
    }

    private static boolean isKeyEntry(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore open(Path file, String key, String flag, String password, String passwordKey, String passwordEnv) {
        String name = "lvmcoord.agent.tls." + key;
        if (file == null) {
            throw new IllegalArgumentException(name + " is not set: transport tls-tcp needs it (flag " + flag + ")");
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(name + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(name + " " + file + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            // The type Pekko's ConfigSSLEngineProvider uses: PKCS12 on Java 17, which also reads JKS files.
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException e) {
            String hint = e.getCause() instanceof UnrecoverableKeyException
                    ? " (check lvmcoord.agent.tls." + passwordKey + " or env " + passwordEnv + ")" : "";
            throw new IllegalArgumentException("cannot read " + name + " " + file + ": " + e.getMessage() + hint, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + name + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Without the passwords: settings end up in logs and exception messages. */
    @Override
    public String toString() {
        return "TlsSettings[keyStore=" + keyStore + ", trustStore=" + trustStore + ", protocol=" + protocol
                + ", hostnameVerification=" + hostnameVerification + "]";
    }
}
