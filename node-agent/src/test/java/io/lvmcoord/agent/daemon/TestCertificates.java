package io.lvmcoord.agent.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PKCS12 stores made with the JDK's keytool, as an operator would (README, "Cluster transport"):
 * one CA, node key stores whose certificates it signed, a trust store holding the CA, and a
 * node with a self-signed certificate nobody trusts.
 */
final class TestCertificates {
    static final String PASSWORD = "test-store-pw";

    private final Path dir;
    final Path caStore;
    final Path caPem;
    final Path trustStore;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caStore = dir.resolve("ca.p12");
        this.caPem = dir.resolve("ca.pem");
        this.trustStore = dir.resolve("trust.p12");
    }

    /** A CA (kept in ca.p12) and a trust store (trust.p12) that trusts exactly it. */
    static TestCertificates withCa(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCertificates certs = new TestCertificates(dir);
        certs.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=lvmcoord test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", certs.caStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        certs.keytool("-exportcert", "-alias", "ca", "-rfc", "-file", certs.caPem.toString(), "-keystore", certs.caStore.toString(),
                "-storepass", PASSWORD);
        certs.keytool("-importcert", "-noprompt", "-alias", "lvmcoord-ca", "-file", certs.caPem.toString(),
                "-keystore", certs.trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return certs;
    }

    /** A node's key store: its key, and a certificate for it signed by the CA (with the CA in the chain). */
    Path signedNode(String name) throws Exception {
        Path store = selfSignedNode(name);
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        keytool("-certreq", "-alias", "node", "-file", csr.toString(), "-keystore", store.toString(), "-storepass", PASSWORD);
        keytool("-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity", "2",
                "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth,clientAuth",
                "-keystore", caStore.toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "lvmcoord-ca", "-file", caPem.toString(), "-keystore", store.toString(),
                "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "node", "-file", cert.toString(), "-keystore", store.toString(), "-storepass", PASSWORD);
        return store;
    }

    /** A node's key store with a self-signed certificate: a stranger to the CA. */
    Path selfSignedNode(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                // keytool is a JVM start per call: skip the optimising compiler it would never use.
                "-J-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool did not finish in 60 s: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
