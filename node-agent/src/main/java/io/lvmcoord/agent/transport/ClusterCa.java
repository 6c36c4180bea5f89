package io.lvmcoord.agent.transport;

import io.lvmcoord.persistence.PrivateFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A certificate authority for one lvmcoord cluster, and the node credentials it issues.
 *
 * <p>Mutual TLS is the cluster's only authentication: a peer gets in exactly when its
 * certificate chains to a CA in the trust store. So every cluster has its own CA, never a public
 * one, and the CA's private key is what an operator guards. Two directory layouts, both private
 * to the agent's user (directory 0700, files 0600):
 * <ul>
 *   <li>a CA directory: {@value #CA_STORE} (the CA's key and certificate), {@value #CA_PEM} (its
 *       certificate, to inspect or to trust elsewhere) and {@value #PASSWORD};</li>
 *   <li>a node directory, the agent's {@code <state-dir>/tls}: {@value #NODE_STORE} (the node's
 *       key with its chain up to the CA), {@value #TRUST_STORE} (the CA's certificate alone) and
 *       {@value #PASSWORD}, which opens both stores.</li>
 * </ul>
 * A single agent with no TLS settings makes both in its state directory at first start (see
 * {@link NodeTlsDirectory}); the CA there can then issue the certificates of further hosts.
 * Keys are EC P-256, signatures ECDSA with SHA-256: what TLS 1.3's mandatory suites expect.
 */
public final class ClusterCa {
    public static final String CA_STORE = "ca.p12";
    public static final String CA_PEM = "ca.pem";
    public static final String NODE_STORE = "node.p12";
    public static final String TRUST_STORE = "trust.p12";
    public static final String PASSWORD = "password";
    static final String CA_ALIAS = "lvmcoord-ca";
    static final String NODE_ALIAS = "node";

    /** Host names a SAN may carry as DNS names (RFC 1123 labels). */
    private static final Pattern DNS_NAME = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final SecureRandom random;

    private ClusterCa(X509Certificate certificate, PrivateKey key, SecureRandom random) {
        this.certificate = certificate;
        this.key = key;
        this.random = random;
    }

    /** The CA's certificate, which every node's trust store holds. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Makes a new CA in {@code dir} (created 0700 when missing).
     *
     * @throws IllegalStateException when {@code dir} already holds a CA: replacing one would lock
     *                               every node it issued out of the cluster
     */
    public static ClusterCa create(Path dir, String name, Duration validity, SecureRandom random) throws IOException {
        if (Files.exists(dir.resolve(CA_STORE))) {
            throw new IllegalStateException(dir.resolve(CA_STORE) + " already exists: a cluster keeps one CA (remove it first to start over)");
        }
        PrivateFiles.ensureDirectory(dir);
        KeyPair pair = newKeyPair(random);
        X500Name subject = name(name, "lvmcoord cluster CA");
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random), notBefore(now), Date.from(now.plus(validity)),
                    subject, pair.getPublic())
                    // Path length 0: this CA signs node certificates, never another CA.
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            String password = existingOrNewPassword(dir, random);
            KeyStore store = emptyStore();
            store.setKeyEntry(CA_ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[]{cert});
            PrivateFiles.write(dir.resolve(CA_STORE), bytes(store, password));
            PrivateFiles.write(dir.resolve(CA_PEM), pem(cert).getBytes(StandardCharsets.US_ASCII));
            return new ClusterCa(cert, pair.getPrivate(), random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The CA of {@code dir}, as {@link #create} left it. */
    public static ClusterCa open(Path dir, SecureRandom random) throws IOException {
        Path file = dir.resolve(CA_STORE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " holds no CA (" + CA_STORE + " is missing): make one with `lvmcoord tls init-ca --out DIR`");
        }
        String password = readPassword(dir);
        KeyStore store = load(file, password);
        try {
            if (!store.isKeyEntry(CA_ALIAS)) {
                throw new IllegalArgumentException(file + " holds no CA key under the alias " + CA_ALIAS);
            }
            return new ClusterCa((X509Certificate) store.getCertificate(CA_ALIAS), (PrivateKey) store.getKey(CA_ALIAS, password.toCharArray()),
                    random);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA key in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a node directory for {@code node} into {@code dir} (created 0700): a fresh key, its
     * certificate signed by this CA, and the trust store holding this CA alone. A node directory
     * already there is replaced (renewal), except its password file, which is kept.
     *
     * @param hosts the addresses other nodes dial this one on (cluster-host); they go into the
     *              certificate's subject alternative names, for hostname verification
     */
    public X509Certificate issue(Path dir, String node, List<String> hosts, Duration validity) throws IOException {
        if (node.isBlank()) {
            throw new IllegalArgumentException("a node certificate needs the node's name");
        }
        PrivateFiles.ensureDirectory(dir);
        KeyPair pair = newKeyPair(random);
        Instant now = Instant.now();
        Instant until = now.plus(validity);
        if (until.isAfter(certificate.getNotAfter().toInstant())) {
            // A node certificate cannot outlive its CA: chains are checked against both.
            until = certificate.getNotAfter().toInstant();
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(random), notBefore(now), Date.from(until),
                    name(node, null), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    // Each node is both: it accepts connections and opens its own to the others.
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            GeneralNames san = subjectAltNames(node, hosts);
            if (san != null) {
                b.addExtension(Extension.subjectAlternativeName, false, san);
            }
            X509Certificate cert = sign(b, key);
            String password = existingOrNewPassword(dir, random);
            KeyStore nodeStore = emptyStore();
            nodeStore.setKeyEntry(NODE_ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[]{cert, certificate});
            KeyStore trust = emptyStore();
            trust.setCertificateEntry(CA_ALIAS, certificate);
            PrivateFiles.write(dir.resolve(NODE_STORE), bytes(nodeStore, password));
            PrivateFiles.write(dir.resolve(TRUST_STORE), bytes(trust, password));
            return cert;
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + node + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The password of the stores in {@code dir}, from its {@value #PASSWORD} file. */
    public static String readPassword(Path dir) throws IOException {
        Path file = dir.resolve(PASSWORD);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is missing: it holds the password of the stores beside it");
        }
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }

    private static String existingOrNewPassword(Path dir, SecureRandom random) throws IOException {
        Path file = dir.resolve(PASSWORD);
        if (Files.isRegularFile(file)) {
            return readPassword(dir);
        }
        // The stores' real protection is the file mode; a random password keeps a copy of one
        // store that escaped (a backup, say) from being opened without this file too.
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        PrivateFiles.write(file, password.getBytes(StandardCharsets.US_ASCII));
        return password;
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static X500Name name(String commonName, String fallback) {
        String cn = commonName == null || commonName.isBlank() ? fallback : commonName.trim();
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "lvmcoord").addRDN(BCStyle.CN, cn).build();
    }

    static GeneralNames subjectAltNames(String node, List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        List<String> all = new ArrayList<>(hosts);
        all.add(node);
        for (String h : all) {
            String host = h == null ? "" : h.trim();
            if (host.isEmpty()) {
                continue;
            }
            GeneralName name = IPV4.matcher(host).matches() || host.contains(":") ? new GeneralName(GeneralName.iPAddress, host)
                    : DNS_NAME.matcher(host).matches() ? new GeneralName(GeneralName.dNSName, host) : null;
            if (name != null && !names.contains(name)) {
                names.add(name);
            }
        }
        return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static BigInteger serial(SecureRandom random) {
        // Positive and unpredictable (RFC 5280 allows 20 octets; 16 random ones leave room for the sign).
        return new BigInteger(128, random);
    }

    /** A minute in the past: peers whose clocks lag slightly still accept a certificate made just now. */
    private static Date notBefore(Instant now) {
        return Date.from(now.minus(Duration.ofMinutes(1)));
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    static KeyStore load(Path file, String password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * PBKDF2 rounds of the stores this class writes (key and certificate encryption, MAC). The
     * JDK's default, 10,000, stretches a password a person chose; ours is 192 random bits
     * (existingOrNewPassword), which no count of rounds makes harder to guess. The default's cost
     * is paid at every open, in a JVM that has not compiled SHA-256 yet: about 0.3 s of each
     * first agent start (measured with JFR, README "Start-up"). 2048 is OpenSSL's default.
     */
    static final int PBE_ITERATIONS = 2048;
    private static final String[] PBE_PROPERTIES = {"keystore.pkcs12.macIterationCount", "keystore.pkcs12.keyPbeIterationCount",
            "keystore.pkcs12.certPbeIterationCount"};

    /**
     * The store's PKCS#12 bytes, written with {@link #PBE_ITERATIONS}. The JDK takes the counts
     * only from these overridable security properties, read at each store(); they are set for the
     * call and restored, under this class's lock (the only PKCS#12 writer in the agent).
     */
    private static synchronized byte[] bytes(KeyStore store, String password) throws GeneralSecurityException, IOException {
        String[] before = new String[PBE_PROPERTIES.length];
        for (int i = 0; i < PBE_PROPERTIES.length; i++) {
            before[i] = System.getProperty(PBE_PROPERTIES[i]);
            System.setProperty(PBE_PROPERTIES[i], Integer.toString(PBE_ITERATIONS));
        }
        var out = new java.io.ByteArrayOutputStream();
        try (OutputStream o = out) {
            store.store(o, password.toCharArray());
        } finally {
            for (int i = 0; i < PBE_PROPERTIES.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(PBE_PROPERTIES[i]);
                } else {
                    System.setProperty(PBE_PROPERTIES[i], before[i]);
                }
            }
        }
        return out.toByteArray();
    }

    static String pem(X509Certificate cert) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
