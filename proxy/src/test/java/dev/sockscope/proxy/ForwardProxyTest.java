package dev.sockscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Which hosts the forward proxy intercepts, and which clients may use it. */
class ForwardProxyTest {
    private static ForwardProxy forward(List<String> intercept, List<String> allow) {
        return new ForwardProxy("127.0.0.1", 0, intercept, allow.stream().map(ForwardProxy.Cidr::parse).toList(), null);
    }

    @Test
    void interceptGlobsMatchWholeHostNamesIgnoringCase() {
        ForwardProxy all = forward(List.of(), List.of());
        assertThat(all.intercepts("anything.example")).isTrue();
        ForwardProxy some = forward(List.of("*.example.org", "api?.test"), List.of());
        assertThat(some.intercepts("Chat.Example.org")).isTrue();
        assertThat(some.intercepts("a.b.example.org")).isTrue();
        assertThat(some.intercepts("example.org")).isFalse();
        assertThat(some.intercepts("example.org.evil.net")).isFalse();
        assertThat(some.intercepts("api1.test")).isTrue();
        assertThat(some.intercepts("api12.test")).isFalse();
    }

    @Test
    void loopbackAlwaysMayOthersOnlyInsideAnAllowedBlock() throws Exception {
        ForwardProxy f = forward(List.of(), List.of("192.168.1.0/24", "fd00::/8"));
        assertThat(f.allows(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("::1"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("192.168.1.77"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("192.168.2.1"))).isFalse();
        assertThat(f.allows(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThatThrownBy(() -> ForwardProxy.Cidr.parse("example.org/8")).hasMessageContaining("not an IP address block");
        assertThatThrownBy(() -> ForwardProxy.Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix out of range");
    }
}
