package dev.sockscope.ui.web;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import io.javalin.Javalin;
import io.javalin.util.JavalinLogger;
import io.javalin.http.staticfiles.Location;

/**
 * The web inspector: the JSON API over a {@link RecordingStore}, the live feed from a {@link LiveSource}, and the
 * pages and Chart.js from the jar. Takes its dependencies, so that tests start it on port 0.
 */
public final class InspectorApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InspectorApp.class);
    /** Where the Chart.js webjar keeps its files on the class path, and where the pages find them. */
    static final String CHART_JS_DIR = "/META-INF/resources/webjars/chart.js/4.5.1";
    static final String CHART_JS_PATH = "/assets/chart.js";

    private final InspectorOptions options;
    private final LiveFeed live;
    private final Javalin app;
    private final StatusApi status;
    private final InterceptApi intercept = new InterceptApi();
    private final RulesApi rules = new RulesApi();
    private boolean started;

    public InspectorApp(RecordingStore store, LiveSource liveSource, ProtocolRegistry registry, InspectorOptions options) {
        this(store, liveSource, registry, options, null);
    }

    /** @param process replays, imports and mocks in the process that records; null where this process only reads */
    public InspectorApp(RecordingStore store, LiveSource liveSource, ProtocolRegistry registry, InspectorOptions options,
                        RecordingProcess process) {
        this.options = options;
        this.live = new LiveFeed(liveSource);
        this.status = new StatusApi(liveSource);
        Guard guard = new Guard(options);
        SessionsApi sessions = new SessionsApi(store);
        FramesApi frames = new FramesApi(store, registry);
        ReplayApi replay = new ReplayApi(store, registry, process);
        RecordingProcessApi writes = new RecordingProcessApi(process);
        OpenApiDocument openApi = new OpenApiDocument();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.add(files -> {
                files.hostedPath = CHART_JS_PATH;
                files.directory = CHART_JS_DIR;
                files.location = Location.CLASSPATH;
            });
            config.routes.before(guard::check);
            config.routes.get("/api/status", status::status);
            config.routes.get("/api/sessions", sessions::list);
            config.routes.get("/api/sessions/{id}", sessions::one);
            config.routes.delete("/api/sessions/{id}", sessions::delete);
            config.routes.post("/api/sessions/{id}/star", ctx -> sessions.star(ctx, true));
            config.routes.delete("/api/sessions/{id}/star", ctx -> sessions.star(ctx, false));
            config.routes.get("/api/sessions/{id}/frames", frames::list);
            config.routes.get("/api/sessions/{id}/frames/{seq}", frames::one);
            config.routes.get("/api/sessions/{id}/stats", frames::stats);
            config.routes.get("/api/sessions/{id}/export", replay::export);
            config.routes.post("/api/sessions/{id}/replay", replay::replay);
            config.routes.get("/api/sessions/{id}/replays", replay::replays);
            config.routes.get("/api/sessions/{id}/diff", replay::diff);
            config.routes.post("/api/import", writes::importHar);
            config.routes.get("/api/mocks", writes::mocks);
            config.routes.post("/api/mocks", writes::startMock);
            config.routes.delete("/api/mocks/{id}", writes::stopMock);
            config.routes.post("/api/sessions/{id}/send", intercept::send);
            config.routes.get("/api/intercept", intercept::state);
            config.routes.post("/api/intercept/breakpoints", intercept::addBreakpoint);
            config.routes.delete("/api/intercept/breakpoints/{id}", intercept::removeBreakpoint);
            config.routes.post("/api/intercept/held/{id}", intercept::release);
            config.routes.post("/api/intercept/held/{id}/label", intercept::label);
            config.routes.get("/api/rules", rules::state);
            config.routes.put("/api/rules", rules::replace);
            config.routes.post("/api/rules/{name}/enabled", rules::setEnabled);
            config.routes.sse("/api/live", live::connect);
            config.routes.get("/api/openapi.json", openApi::serve);
            config.routes.exception(ApiError.class, (e, ctx) -> Responses.error(ctx, e.status(), e.getMessage()));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> Responses.error(ctx, 400, e.getMessage()));
            config.routes.exception(RecordingException.class, (e, ctx) -> {
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                Responses.error(ctx, 500, e.getMessage());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                Responses.error(ctx, 500, "internal error: " + e.getClass().getSimpleName() + " (details in the log)");
            });
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    Responses.error(ctx, 404, "nothing at " + ctx.path());
                }
            });
            config.routes.error(405, ctx -> Responses.error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()));
        });
    }

    /** Starts listening; a taken port fails with a message that names the address and {@code --ui}. */
    public synchronized InspectorApp start() throws IOException {
        try {
            startQuietly();
        } catch (RuntimeException e) {
            live.close();
            throw new IOException("the inspector cannot listen on " + options.host() + ":" + options.port() + " ("
                    + rootMessage(e) + "); choose another address with --ui HOST:PORT, or --no-ui", e);
        }
        started = true;
        if (!options.loopback()) {
            LOG.warn("the inspector listens on {}, beyond this machine: anyone who can reach it and has the token can read"
                    + " every recording", options.host());
        }
        return this;
    }

    /**
     * The relay whose traffic the intercept routes act on (an inspector beside a proxy), and how they label held
     * messages; without it they answer 409.
     */
    public InspectorApp intercept(dev.sockscope.proxy.Relay relay, dev.sockscope.proxy.intercept.MessageLabels labels) {
        intercept.attach(relay, labels);
        return this;
    }

    /** The rules of the proxy this inspector runs beside ({@code /api/rules}); without them those routes answer 409. */
    public InspectorApp rules(dev.sockscope.proxy.rules.RuleFiles files) {
        rules.attach(files);
        return this;
    }

    /** Where {@code /api/status} learns how far behind recording is (an inspector beside a proxy). */
    public InspectorApp recordingLag(java.util.function.Supplier<dev.sockscope.capture.CaptureBus.Lag> lag) {
        status.recordingLag(lag);
        return this;
    }

    /**
     * Starts Javalin without its own "ERROR Javalin - Failed to start Javalin" line: a taken port is reported once, by
     * {@link #start}, naming {@code --ui}. Javalin's logger is one switch for the process, so it is off only while
     * starting (no request is served then).
     */
    private void startQuietly() {
        synchronized (JavalinLogger.class) {
            boolean enabled = JavalinLogger.enabled;
            JavalinLogger.enabled = false;
            try {
                app.start();
            } finally {
                JavalinLogger.enabled = enabled;
            }
        }
    }

    public int port() {
        return app.port();
    }

    /** The address to open, with the token when one is required. */
    public String url() {
        return baseUrl() + "/" + (options.token() == null ? "" : "?token=" + options.token());
    }

    /** The token it requires, or null. */
    public String token() {
        return options.token();
    }

    /** {@code http://HOST:PORT}, with no token and no trailing slash (a wildcard address as loopback). */
    public String baseUrl() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + port();
    }


    /** Every HTTP route registered, as {@code METHOD /path} ({@code GET /api/sessions/{id}}), for the OpenAPI test. */
    List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    /** Live events dropped for slow browsers so far. */
    public long droppedLiveEvents() {
        return live.dropped();
    }

    /** Browsers connected to the live feed now. */
    public int liveClients() {
        return live.clients();
    }

    @Override
    public synchronized void close() {
        live.close();
        if (started) {
            app.stop();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
