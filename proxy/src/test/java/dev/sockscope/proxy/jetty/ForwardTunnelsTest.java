package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.tls.CertificateAuthority;

/** CONNECT tunnels on the forward listener: a flood of short-lived tunnels leaves no socket of the proxy behind. */
class ForwardTunnelsTest {
    private static final int TUNNELS = 500;

    @TempDir
    Path home;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aFloodOfTunnelsWhoseServerNeverAnswersTheHalfCloseReleasesEverySocket() throws Exception {
        // A server that accepts and then neither reads nor closes: as one waiting for a TLS hello that never comes.
        ServerSocket silent = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        toClose.add(() -> {
            silent.close();
            for (Socket s : held) {
                s.close();
            }
        });
        ForwardProxy forward = new ForwardProxy("127.0.0.1", 0, List.of("intercepted.invalid"), List.of(),
                CertificateAuthority.openOrCreate(home.resolve("ca")));
        CaptureBus bus = new CaptureBus();
        Relay relay = JettyRelay.start(List.of(), forward, RelayOptions.defaults(), bus, new AtomicLong(1)::getAndIncrement);
        toClose.add(() -> bus.close(Duration.ofSeconds(5)));
        toClose.add(relay);
        String listen = relay.forwardListen().orElseThrow();
        int proxyPort = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        int upstreamPort = silent.getLocalPort();

        ExecutorService clients = Executors.newFixedThreadPool(16);
        toClose.add(clients::shutdownNow);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < TUNNELS; i++) {
            answers.add(clients.submit(() -> connectThenLeave(proxyPort, upstreamPort)));
        }
        for (Future<String> answer : answers) {
            assertThat(answer.get()).startsWith("HTTP/1.1 200");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == TUNNELS);

        // Each client left after the 200; the server never follows. Within the half-close deadline (and slack for a
        // loaded machine) the proxy has closed both ends of every tunnel.
        await().atMost(ForwardTunnels.HALF_CLOSE_DEADLINE.plusSeconds(25)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(proxySockets(proxyPort, upstreamPort)).as("sockets of the proxy still open").isZero());
    }

    private static String connectThenLeave(int proxyPort, int upstreamPort) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxyPort)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("CONNECT 127.0.0.1:" + upstreamPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + upstreamPort + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    /**
     * The proxy's TCP sockets that a descriptor still holds (those with an inode): those on its forward port (the
     * clients' ends of tunnels) and those it opened to the upstream.
     */
    private static long proxySockets(int proxyPort, int upstreamPort) throws IOException {
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].contains(":")) {
                    continue;
                }
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                if (f[3].equals("0A") || f.length < 10 || f[9].equals("0")) {
                    continue; // listening, or no longer anyone's (TIME_WAIT, an orphan in FIN_WAIT2): no descriptor held
                }
                if (local == proxyPort || (remote == upstreamPort && local != upstreamPort)) {
                    n++;
                }
            }
        }
        return n;
    }
}
