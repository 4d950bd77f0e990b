package dev.sockscope.ui.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.ui.exchange.HarFile;
import dev.sockscope.ui.exchange.HarImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope import FILE.har}: every WebSocket of a HAR file becomes a session, decoded and masked like a live one. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports the WebSockets of HAR files (saved from Chrome DevTools, Charles, HTTP Toolkit, or"
                + " 'sockscope export') as sessions: decoded and masked by the same stage as live traffic, then browsable"
                + " and replayable like any other."})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "HAR files.")
    List<Path> files;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Option(names = "--keep-secrets", description = "Store Authorization, Cookie and subprotocol tokens unmasked.")
    boolean keepSecrets;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "64MiB",
            description = "The largest message a file may hold (as base64, a third more characters): the proxy's own"
                    + " --max-message, so that whatever it recorded imports back (default: ${DEFAULT-VALUE}).")
    String maxMessage;

    private long maxMessageBytes() {
        return Sizes.parse(maxMessage);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var registry = protocols.load();
        try (H2RecordingStore store = H2RecordingStore.open(db.directory())) {
            CaptureDecoder decoding = new CaptureDecoder(registry, store.masker(), keepSecrets);
            for (Path file : files) {
                HarImport.Sessions read;
                try {
                    JsonNode root = HarFile.read(file, maxMessageBytes());
                    read = HarImport.read(root, file.getFileName().toString(), store::nextSessionId);
                } catch (IOException e) {
                    err.println("sockscope: cannot read " + file + ": " + e.getMessage());
                    return 2;
                } catch (HarImport.NotHar e) {
                    err.println("sockscope: " + file + ": " + e.getMessage());
                    return 2;
                }
                read.notices().forEach(n -> err.println("sockscope: " + file + ": " + n));
                for (List<CaptureEvent> session : read.sessions()) {
                    List<DecodedEvent> decoded = decoding.decodeAll(session);
                    store.append(decoded);
                    DecodedEvent.SessionStarted started = (DecodedEvent.SessionStarted) decoded.get(0);
                    out.println("sockscope: imported session " + started.sessionId() + " (" + (session.size() - 2) + " frames, "
                            + started.session().upstream() + started.session().handshake().path() + ")");
                }
                out.println("sockscope: " + file + ": " + read.sessions().size() + " WebSocket sessions imported"
                        + (read.skipped() == 0 ? "" : ", " + read.skipped() + " other entries skipped")
                        + (keepSecrets ? " (secrets kept)" : " (secrets masked)"));
            }
        }
        out.flush();
        return 0;
    }
}
