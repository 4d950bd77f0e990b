package dev.sockscope.ui.peers;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * A real STOMP 1.2 broker in this JVM: Apache ActiveMQ Artemis with one acceptor on a free loopback port that
 * speaks STOMP over WebSocket (subprotocols v10.stomp–v12.stomp, permessage-deflate on), /queue/ and /topic/
 * prefixes, no persistence, and one user: bot / s3cr3t-passcode.
 */
final class ArtemisBroker implements AutoCloseable {
    static final String USER = "bot";
    static final String PASSCODE = "s3cr3t-passcode";
    private static final String ACCEPTOR = "stomp-ws";
    private final EmbeddedActiveMQ server;
    private final int port;

    private ArtemisBroker(EmbeddedActiveMQ server, int port) {
        this.server = server;
        this.port = port;
    }

    static ArtemisBroker start(Path dir) throws Exception {
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration(ACCEPTOR, "tcp://127.0.0.1:0?protocols=STOMP&anycastPrefix=/queue/"
                        + "&multicastPrefix=/topic/&webSocketCompressionSupported=true&stompEnableMessageId=true");
        config.setBrokerInstance(dir.toFile());
        // send, consume, create/delete durable and non-durable queues, browse, create/delete addresses; no management.
        config.putSecurityRoles("#", Set.of(new Role("chat", true, true, true, true, true, true, false, true, true, true, false, false)));
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(USER, PASSCODE);
        users.addRole(USER, "chat");
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        server.start();
        try {
            NettyAcceptor acceptor = (NettyAcceptor) server.getActiveMQServer().getRemotingService().getAcceptor(ACCEPTOR);
            return new ArtemisBroker(server, acceptor.getActualPort());
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    static String version() {
        return "Apache ActiveMQ Artemis " + org.apache.activemq.artemis.utils.VersionLoader.getVersion().getFullVersion();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
