package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.decode.FallbackDecoder;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SpecDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope protocols}: the decoders available, in detection order; with --protocols or --plugins, checks yours. */
@Command(name = "protocols", mixinStandardHelpOptions = true,
        description = {"Lists the protocols Sockscope decodes, in the order detection tries them.",
                "With --protocols DIR or --plugins DIR, loads and checks your specs and decoder jars first: a bad spec is"
                        + " reported with its file and line, a bad jar by name."})
public final class ProtocolsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Override
    public Integer call() throws Exception {
        ProtocolRegistry registry = protocols.load();
        PrintWriter out = spec.commandLine().getOut();
        Table t = new Table("NAME", "TITLE", "ENTRIES", "DETECTED BY", "FROM", "SOURCE");
        for (ProtocolDecoder d : registry.decoders()) {
            t.add(d.name(), d.title(), d instanceof SpecDecoder s ? String.valueOf(s.spec().messages().size()) : "",
                    d.detection(), registry.origin(d.name()), d.source() == null ? "" : d.source());
        }
        FallbackDecoder generic = FallbackDecoder.INSTANCE;
        t.add(generic.name(), generic.title(), "", generic.detection(), registry.origin(generic.name()), "");
        t.print(out);
        if (!registry.replaced().isEmpty()) {
            out.println("Your decoders replace the built-in " + String.join(", ", registry.replaced()) + ".");
        }
        out.flush();
        return 0;
    }
}
