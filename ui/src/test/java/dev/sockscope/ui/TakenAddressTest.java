package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tour's second proxy beside a running demo: each address another program holds stops the command with one line
 * that names the address and the option that chooses another, and nothing else on stderr (no Javalin ERROR line, no
 * stack trace). Real processes, as a user runs them; the addresses are held by this test.
 */
class TakenAddressTest {
    @TempDir
    Path dir;

    /** Runs {@code sockscope args...} to its end while {@code held} is taken; returns its result. */
    private static ProxyProcess.Result runWhileHeld(ServerSocket held, String... args) throws Exception {
        assertThat(held.isBound()).isTrue();
        return ProxyProcess.finish(ProxyProcess.launch(args));
    }

    private static ServerSocket hold() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static void oneClearLine(ProxyProcess.Result r, String address, String option) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isNotZero();
        assertThat(r.err().strip().lines()).as("stderr").singleElement().asString()
                .startsWith("sockscope: cannot listen on " + address + " (")
                .contains("another program holds it", option)
                .doesNotContain("ERROR", "Exception");
    }

    @Test
    void aTakenRoutePortNamesRoute() throws Exception {
        try (ServerSocket held = hold()) {
            String address = "127.0.0.1:" + held.getLocalPort();
            ProxyProcess.Result r = runWhileHeld(held, "proxy", "--route", address + "=ws://127.0.0.1:9", "--db",
                    dir.resolve("a").toString(), "--no-ui");
            oneClearLine(r, address, "--route LISTEN=UPSTREAM");
        }
    }

    @Test
    void aTakenForwardPortNamesForward() throws Exception {
        try (ServerSocket held = hold()) {
            ProxyProcess.Result r = runWhileHeld(held, "proxy", "--forward", String.valueOf(held.getLocalPort()), "--db",
                    dir.resolve("b").toString(), "--ca", dir.resolve("ca").toString(), "--no-ui");
            oneClearLine(r, "127.0.0.1:" + held.getLocalPort(), "--forward [HOST:]PORT");
        }
    }

    @Test
    void aTakenInspectorPortNamesUiWithoutJavalinsOwnErrorLine() throws Exception {
        try (ServerSocket held = hold()) {
            ProxyProcess.Result r = runWhileHeld(held, "proxy", "--route", "127.0.0.1:0=ws://127.0.0.1:9", "--db",
                    dir.resolve("c").toString(), "--ui", "127.0.0.1:" + held.getLocalPort());
            assertThat(r.code()).as("exit code; stderr: %s", r.err()).isNotZero();
            assertThat(r.err().strip().lines()).as("stderr").singleElement().asString()
                    .startsWith("sockscope: the inspector cannot listen on 127.0.0.1:" + held.getLocalPort())
                    .contains("--ui HOST:PORT").doesNotContain("ERROR");
        }
    }

    @Test
    void aTakenDemoPortNamesListen() throws Exception {
        try (ServerSocket held = hold()) {
            String address = "127.0.0.1:" + held.getLocalPort();
            ProxyProcess.Result r = runWhileHeld(held, "demo", "--listen", address, "--db", dir.resolve("d").toString(),
                    "--no-ui", "--exit");
            oneClearLine(r, address, "--listen HOST:PORT");
        }
    }
}
