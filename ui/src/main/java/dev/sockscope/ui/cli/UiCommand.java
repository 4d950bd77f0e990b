package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.PgRecordingStore;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.Stores;
import dev.sockscope.recordings.YieldingReader;
import dev.sockscope.ui.web.InspectorApp;
import dev.sockscope.ui.web.StorePollingSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockscope ui}: the web inspector over a recordings folder, without proxying; live if a proxy records there. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Serves the web inspector over a recordings folder, without proxying.",
                "Works on a folder a running proxy is writing: new sessions and frames appear live.",
                "A proxy started on the folder later takes it over; the inspector then reads through it. Ctrl-C stops it."})
public final class UiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOption db = new DbOption();

    @Mixin
    ProtocolsOption protocols = new ProtocolsOption();

    @Mixin
    UiOption ui = new UiOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProtocolRegistry registry = protocols.load();
        // Gives the folder up to a proxy started on it later, and reads through that proxy while it runs.
        RecordingStore store = db.folder().isPresent() ? YieldingReader.open(db.folder().get()) : Stores.openReader(db.location());
        StorePollingSource live = new StorePollingSource(store, UiOption.POLL_MILLIS,
                store instanceof PgRecordingStore pg ? pg.changeSignal() : null);
        InspectorApp app;
        try {
            app = ui.start(store, live, registry, out);
        } catch (Exception e) {
            live.close();
            store.close();
            throw e;
        }
        out.println("sockscope: browsing " + store.location() + (db.folder().isPresent() ? " (read-only)" : "")
                + "; press Ctrl-C to stop");
        out.flush();
        new StopOnSignal(app, live, store).await();
        return 0;
    }
}
