package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SpecDecoder;
import dev.sockscope.decode.spec.ProtocolSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope protocols}: the decoders available, in detection order; with --protocols, checks user specs. */
@Command(name = "protocols", mixinStandardHelpOptions = true,
        description = {"Lists the protocols Sockscope decodes, in the order detection tries them.",
                "With --protocols DIR, loads and checks your spec files first: a bad one is reported with its file and line."})
public final class ProtocolsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Override
    public Integer call() throws Exception {
        ProtocolRegistry registry = protocols.load();
        PrintWriter out = spec.commandLine().getOut();
        Table t = new Table("NAME", "TITLE", "ENTRIES", "DETECTED BY", "SOURCE");
        for (SpecDecoder d : registry.decoders()) {
            ProtocolSpec s = d.spec();
            ProtocolSpec.HandshakeEvidence h = s.detect().handshake();
            StringBuilder by = new StringBuilder();
            h.subprotocols().forEach(x -> by.append("subprotocol ").append(x).append(", "));
            h.headers().keySet().forEach(x -> by.append("header ").append(x).append(", "));
            h.cookies().forEach(x -> by.append("cookie ").append(x).append(", "));
            if (s.detect().content() != null) {
                by.append("content");
            } else if (by.length() > 2) {
                by.setLength(by.length() - 2);
            }
            t.add(s.protocol(), s.title(), s.messages().size(), by.length() == 0 ? "--protocol only" : by.toString(),
                    s.source() == null ? "" : s.source());
        }
        t.add("generic", "fallback: JSON, text, hex", "", "anything else", "built in");
        t.print(out);
        if (!registry.replaced().isEmpty()) {
            out.println("Your specs replace the built-in " + String.join(", ", registry.replaced()) + ".");
        }
        out.flush();
        return 0;
    }
}
