package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.sockscope.proxy.tls.CertificateAuthority;
import picocli.CommandLine.Option;

/**
 * {@code --ca DIR}: where Sockscope's certificate authority lives. Default: {@code ~/.sockscope/ca}, one per user
 * whatever {@code --db} says (as mitmproxy keeps one per user), so that the CA a browser was told to trust is the one
 * every proxy uses.
 */
public final class CaOption {
    @Option(names = "--ca", paramLabel = "DIR",
            description = "Folder of Sockscope's certificate authority (default: ~/.sockscope/ca, one per user whatever --db says).")
    Path ca;

    /**
     * The CA's folder. Versions before this one kept the CA beside the recordings folder: when one is there and it is
     * not this folder, {@code err} is told which CA is used and how to keep the old one.
     */
    public Path folder(Path recordings, PrintWriter err) {
        if (ca != null) {
            return ca;
        }
        Path mine = userFolder();
        if (recordings == null) {
            return mine; // a team store: no folder for an old CA to sit beside
        }
        Path parent = recordings.toAbsolutePath().getParent();
        Path beside = (parent == null ? recordings.toAbsolutePath() : parent).resolve("ca");
        if (!beside.normalize().equals(mine.toAbsolutePath().normalize()) && Files.exists(beside.resolve(CertificateAuthority.CERT_FILE))) {
            err.println("sockscope: the CA is " + mine + " (one per user, whatever --db says); the CA in " + beside
                    + ", beside the recordings folder, is not used. Trust " + mine + " ('sockscope ca' says how), or keep the old"
                    + " one with --ca " + beside);
            err.flush();
        }
        return mine;
    }

    /** {@code ~/.sockscope/ca}. */
    static Path userFolder() {
        return Path.of(System.getProperty("user.home"), ".sockscope", "ca");
    }
}
