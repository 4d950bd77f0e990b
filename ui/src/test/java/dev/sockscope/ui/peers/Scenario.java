package dev.sockscope.ui.peers;

import java.net.URI;
import java.util.List;

/**
 * One protocol's scenario: a server (a peer script that prints its port, or a broker the test runs itself), the
 * client scenario script run against the proxy, and the fake credentials it uses (which masking may replace in the
 * recording, and nowhere else).
 *
 * @param protocol     the folder of the scripts and of the captures, e.g. {@code socket.io}
 * @param serverScript the server script, or null when {@code upstream} is given
 * @param upstream     the upstream when the server is not a peer script, else null
 * @param clientScript the client scenario script; it gets the proxy's ws:// base URL first
 * @param clientArgs   further arguments for the client
 * @param secrets      the fake credentials the scenario sends
 */
record Scenario(String protocol, String serverScript, URI upstream, String clientScript, List<String> clientArgs,
                List<String> secrets) {

    static Scenario node(String protocol, List<String> secrets, String... clientArgs) {
        return new Scenario(protocol, protocol + "/server.js", null, protocol + "/client.js", List.of(clientArgs), secrets);
    }

    static Scenario against(URI upstream, String protocol, List<String> secrets, String... clientArgs) {
        return new Scenario(protocol, null, upstream, protocol + "/client.js", List.of(clientArgs), secrets);
    }
}
