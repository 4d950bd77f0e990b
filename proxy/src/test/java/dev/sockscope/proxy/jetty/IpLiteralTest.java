package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/**
 * Which upstream hosts the plain dial connects to without asking the resolver ({@link PlainUpgradeDial#ipLiteral}): only
 * literals, which need no name service; anything else, even what only looks like a literal, still goes to the resolver.
 */
class IpLiteralTest {
    @Test
    void ipv4AndBracketedIpv6LiteralsAreTakenAsTheyAre() {
        assertThat(PlainUpgradeDial.ipLiteral("127.0.0.1", 8080)).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(PlainUpgradeDial.ipLiteral("10.200.3.255", 80).getAddress().getHostAddress()).isEqualTo("10.200.3.255");
        assertThat(PlainUpgradeDial.ipLiteral("0.0.0.0", 1).getAddress().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(PlainUpgradeDial.ipLiteral("[::1]", 9000).getAddress().isLoopbackAddress()).isTrue();
        assertThat(PlainUpgradeDial.ipLiteral("[::1]", 9000).getPort()).isEqualTo(9000);
        assertThat(PlainUpgradeDial.ipLiteral("127.0.0.1", 1).isUnresolved()).isFalse();
    }

    @Test
    void namesAndAnythingThatOnlyLooksLikeALiteralGoToTheResolver() {
        for (String host : new String[] {"localhost", "example.org", "1.2.3", "1.2.3.4.5", "256.1.1.1", "999.1.1.1", "1..2.3",
                "1.2.3.", ".1.2.3", "010.0.0.1", "1.2.3.4a", "", "[not-v6]"}) {
            assertThat(PlainUpgradeDial.ipLiteral(host, 80)).as(host).isNull();
        }
        assertThat(PlainUpgradeDial.ipLiteral(null, 80)).isNull();
    }
}
