package dev.sockscope.ui.cli;

import java.io.IOException;
import java.io.PrintWriter;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.ui.ProxyRuntime;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.InProcessActions;
import dev.sockscope.ui.web.RecordingProcess;
import dev.sockscope.ui.web.InspectorOptions;
import dev.sockscope.ui.web.LiveSource;
import dev.sockscope.ui.web.DecodedLiveSource;
import picocli.CommandLine.Option;

/** {@code --ui HOST:PORT} and {@code --ui-token}: where the web inspector listens and what it asks for. */
public final class UiOption {
    @Option(names = "--ui", paramLabel = "HOST:PORT", defaultValue = InspectorOptions.DEFAULT,
            description = "Where the web inspector listens (default: ${DEFAULT-VALUE}; port 0 picks a free one). An address"
                    + " other than loopback requires a token.")
    String address;

    @Option(names = "--ui-token", paramLabel = "TOKEN",
            description = "The token the inspector requires (default: none on loopback, a random one printed otherwise).")
    String token;

    /** How often {@code sockscope ui} looks at the folder for live events. */
    static final long POLL_MILLIS = 250;

    /**
     * For {@code proxy} and {@code demo}: the inspector over the runtime's own store, fed live by its decoding stage.
     * Closing the handle stops both. A taken port closes nothing else: the caller decides.
     */
    AutoCloseable startBeside(ProxyRuntime runtime, ProtocolRegistry registry, PrintWriter out) throws IOException {
        return startBeside(runtime, registry, out, null);
    }

    /** The same, with the rules of the run for the Rules page and {@code /api/rules} (null: none). */
    AutoCloseable startBeside(ProxyRuntime runtime, ProtocolRegistry registry, PrintWriter out,
                              dev.sockscope.proxy.rules.RuleFiles rules) throws IOException {
        DecodedLiveSource live = DecodedLiveSource.attach(runtime.decoded());
        InProcessActions actions = new InProcessActions(runtime, registry);
        try {
            InspectorApp app = start(runtime.store(), live, registry, out, actions);
            app.recordingLag(runtime::lag);
            app.intercept(runtime.relay(), new dev.sockscope.ui.intercept.DecodedLabels(registry));
            if (rules != null) {
                app.rules(rules);
            }
            AutoCloseable announced = announce(runtime, app);
            return () -> {
                announced.close();
                actions.close();
                app.close();
                live.close();
            };
        } catch (IOException | RuntimeException e) {
            live.close();
            throw e;
        }
    }

    /**
     * Tells the command line where this inspector is ({@link RunningInspector}), so that {@code replay}, {@code import}
     * and {@code mock} work through it while this process holds the folder. Without it they only refuse, so a failure
     * is logged, not fatal.
     */
    private static AutoCloseable announce(ProxyRuntime runtime, InspectorApp app) {
        if (!(runtime.location() instanceof dev.sockscope.recordings.StoreLocation.Folder folder)) {
            return () -> { }; // only a folder is held by one process; the command line opens a database itself
        }
        try {
            return RunningInspector.announce(folder.directory(), app.baseUrl(), app.token());
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(UiOption.class).warn("cannot announce the inspector in {}: {}; replay, import and mock"
                    + " on this folder will wait for this proxy to stop", folder.directory(), e.getMessage());
            return () -> { };
        }
    }

    /** Starts the inspector and prints where; the caller closes both it and {@code live}. */
    InspectorApp start(RecordingStore store, LiveSource live, ProtocolRegistry registry, PrintWriter out) throws IOException {
        return start(store, live, registry, out, null);
    }

    private InspectorApp start(RecordingStore store, LiveSource live, ProtocolRegistry registry, PrintWriter out,
                               RecordingProcess replays) throws IOException {
        InspectorOptions options = InspectorOptions.parse(address, token);
        InspectorApp app = new InspectorApp(store, live, registry, options, replays).start();
        if (!options.loopback()) {
            out.println("sockscope: WARNING: the inspector listens on " + options.host() + ", reachable from other machines;"
                    + " it requires the token in this URL, and it travels unencrypted (plain HTTP)");
        }
        out.println("sockscope: inspector at " + app.url());
        out.flush();
        return app;
    }
}
