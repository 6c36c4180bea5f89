package io.lvmcoord.agent.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCaTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    @Test
    void initCaMakesADirectoryOnlyItsOwnerCanReadHoldingTheCaKeyCertificateAndPassword() throws Exception {
        Path dir = tmp.resolve("ca");
        ClusterCa ca = ClusterCa.create(dir, "test CA", Duration.ofDays(30), RANDOM);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("ca.p12", "ca.pem", "password"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (String f : List.of("ca.p12", "ca.pem", "password")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f), LinkOption.NOFOLLOW_LINKS)), f);
        }
        X509Certificate cert = ca.certificate();
        assertEquals("CN=test CA,O=lvmcoord", cert.getSubjectX500Principal().getName());
        assertEquals(0, cert.getBasicConstraints(), "a CA that signs nodes only (path length 0)");
        cert.verify(cert.getPublicKey());
        X509Certificate fromPem = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(dir.resolve("ca.pem")));
        assertEquals(cert, fromPem);
    }

    @Test
    void storesAreWrittenWith2048Pbkdf2RoundsAndOpenWithTheJdkLeavingNoPropertyBehind() throws Exception {
        Path ca = tmp.resolve("ca");
        ClusterCa.create(ca, "test CA", Duration.ofDays(30), RANDOM).issue(tmp.resolve("n1"), "n1", List.of("10.0.0.1"), Duration.ofDays(30));
        for (Path store : List.of(ca.resolve("ca.p12"), tmp.resolve("n1/node.p12"), tmp.resolve("n1/trust.p12"))) {
            org.bouncycastle.asn1.pkcs.Pfx pfx = org.bouncycastle.asn1.pkcs.Pfx.getInstance(Files.readAllBytes(store));
            assertEquals(2048, pfx.getMacData().getIterationCount().intValueExact(), store + " MAC rounds");
            String password = ClusterCa.readPassword(store.getParent());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(Files.newInputStream(store), password.toCharArray());
            assertEquals(1, ks.size(), store.toString());
        }
        assertEquals(null, System.getProperty("keystore.pkcs12.macIterationCount"));
        assertEquals(null, System.getProperty("keystore.pkcs12.keyPbeIterationCount"));
    }

    @Test
    void initCaRefusesToReplaceAnExistingCa() throws Exception {
        Path dir = tmp.resolve("ca");
        ClusterCa.create(dir, "first", Duration.ofDays(30), RANDOM);
        byte[] before = Files.readAllBytes(dir.resolve("ca.p12"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClusterCa.create(dir, "second", Duration.ofDays(30), RANDOM));
        assertEquals(dir.resolve("ca.p12") + " already exists: a cluster keeps one CA (remove it first to start over)", e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("ca.p12"))));
    }

    @Test
    void anIssuedNodeCertificateChainsToItsCaAndServesBothEndsOfAConnection() throws Exception {
        Path caDir = tmp.resolve("ca");
        ClusterCa.create(caDir, "cluster", Duration.ofDays(30), RANDOM);
        ClusterCa ca = ClusterCa.open(caDir, RANDOM);
        Path nodeDir = tmp.resolve("node-b");
        X509Certificate cert = ca.issue(nodeDir, "host-b", List.of("10.0.0.12"), Duration.ofDays(10));

        String password = ClusterCa.readPassword(nodeDir);
        KeyStore node = ClusterCa.load(nodeDir.resolve("node.p12"), password);
        assertTrue(node.isKeyEntry("node"));
        assertEquals(2, node.getCertificateChain("node").length, "node certificate, then the CA's");
        assertEquals(cert, node.getCertificateChain("node")[0]);
        assertEquals("CN=host-b,O=lvmcoord", cert.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), "serverAuth and clientAuth");
        assertEquals(List.of(List.of(7, "10.0.0.12"), List.of(2, "host-b")), cert.getSubjectAlternativeNames().stream().toList());
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");

        KeyStore trust = ClusterCa.load(nodeDir.resolve("trust.p12"), password);
        assertEquals(1, trust.size());
        validate(cert, ca.certificate(), trust);
        for (String f : List.of("node.p12", "trust.p12", "password")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeDir.resolve(f))), f);
        }
    }

    @Test
    void aCertificateFromAnotherCaIsNotTrusted() throws Exception {
        ClusterCa ours = ClusterCa.create(tmp.resolve("ours"), "ours", Duration.ofDays(30), RANDOM);
        ours.issue(tmp.resolve("member"), "member", List.of(), Duration.ofDays(10));
        ClusterCa theirs = ClusterCa.create(tmp.resolve("theirs"), "ours", Duration.ofDays(30), RANDOM);
        X509Certificate stranger = theirs.issue(tmp.resolve("stranger"), "member", List.of(), Duration.ofDays(10));

        KeyStore trust = ClusterCa.load(tmp.resolve("member/trust.p12"), ClusterCa.readPassword(tmp.resolve("member")));
        assertThrows(CertPathValidatorException.class, () -> validate(stranger, theirs.certificate(), trust),
                "same names, another key: not ours");
    }

    @Test
    void aNodeCertificateNeverOutlivesItsCa() throws Exception {
        ClusterCa ca = ClusterCa.create(tmp.resolve("ca"), "short", Duration.ofDays(5), RANDOM);
        X509Certificate cert = ca.issue(tmp.resolve("n"), "n", List.of(), Duration.ofDays(3650));
        assertEquals(ca.certificate().getNotAfter(), cert.getNotAfter());
        assertTrue(cert.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(6))));
    }

    @Test
    void reissuingKeepsTheDirectorysPassword() throws Exception {
        ClusterCa ca = ClusterCa.create(tmp.resolve("ca"), "ca", Duration.ofDays(30), RANDOM);
        ca.issue(tmp.resolve("n"), "n", List.of(), Duration.ofDays(3));
        String first = ClusterCa.readPassword(tmp.resolve("n"));
        X509Certificate renewed = ca.issue(tmp.resolve("n"), "n", List.of(), Duration.ofDays(20));
        assertEquals(first, ClusterCa.readPassword(tmp.resolve("n")));
        assertEquals(renewed, ClusterCa.load(tmp.resolve("n/node.p12"), first).getCertificateChain("node")[0]);
    }

    private static void validate(X509Certificate leaf, X509Certificate issuer, KeyStore trust) throws Exception {
        PKIXParameters params = new PKIXParameters(trust);
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf, issuer)), params);
    }
}
