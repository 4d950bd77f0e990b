package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.ForwardProxy;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.testing.HttpUpstream;
import dev.sockscope.proxy.tls.CertificateAuthority;

/** Requests the forward proxy sends on to this machine carry {@link ForwardProxy#FORWARDED_HEADER}, however the target is named. */
class ForwardedMarkTest {
    @TempDir
    Path home;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private HttpUpstream local;
    private int forwardPort;

    @BeforeEach
    void start() throws Exception {
        local = HttpUpstream.start(seen -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
        toClose.add(local);
        CaptureBus bus = new CaptureBus();
        toClose.add(() -> bus.close(Duration.ofSeconds(5)));
        Relay relay = JettyRelay.start(List.of(), new ForwardProxy("127.0.0.1", 0, List.of(), List.of(),
                CertificateAuthority.openOrCreate(home.resolve("ca"))), RelayOptions.defaults(), bus, new AtomicLong(1)::getAndIncrement);
        toClose.add(relay);
        String listen = relay.forwardListen().orElseThrow();
        forwardPort = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void aLoopbackTargetIsMarkedWhateverTheClientSends() throws Exception {
        int port = local.uri().getPort();
        assertThat(send("GET http://127.0.0.1:" + port + "/a HTTP/1.1", "Host: 127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
        assertThat(send("GET http://localhost:" + port + "/b HTTP/1.1", "Host: localhost:" + port, "Sockscope-Forwarded: 0"))
                .startsWith("HTTP/1.1 200");
        await().atMost(Duration.ofSeconds(20)).until(() -> local.seen().size() == 2);
        assertThat(local.seen()).allSatisfy(seen -> assertThat(seen.header(ForwardProxy.FORWARDED_HEADER)).isEqualTo("1"));
    }

    @Test
    void aNameThatResolvesToLoopbackIsMarkedByTheConnectionsAddress() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        Assumptions.assumeTrue(!ForwardProxy.isLoopbackName(name) && InetAddress.getByName(name).isLoopbackAddress(),
                "needs this machine's host name to resolve to a loopback address (/etc/hosts), not the case here: " + name);
        int port = local.uri().getPort();
        assertThat(send("GET http://" + name + ":" + port + "/c HTTP/1.1", "Host: " + name + ":" + port)).startsWith("HTTP/1.1 200");
        await().atMost(Duration.ofSeconds(20)).until(() -> local.seen().size() == 1);
        assertThat(local.seen().get(0).header(ForwardProxy.FORWARDED_HEADER)).isEqualTo("1");
    }

    private String send(String... head) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), forwardPort)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((String.join("\r\n", head) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
