package dev.sockscope.ui.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code --protocol} belongs to the {@code --route} before it. */
class ProxyCommandTest {
    @Test
    void eachProtocolOptionAppliesToThePrecedingRoute() {
        ProxyCommand command = new ProxyCommand();
        new CommandLine(command).parseArgs("--route", "9444=wss://a.example/websocket", "--protocol", "max",
                "--route", "9445=ws://b.example", "--route", "9446=ws://c.example", "--protocol", "generic");
        assertThat(command.routes).extracting(r -> r.route + " " + r.protocol).containsExactly(
                "9444=wss://a.example/websocket max", "9445=ws://b.example null", "9446=ws://c.example generic");
    }
}
