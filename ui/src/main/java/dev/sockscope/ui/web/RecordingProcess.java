package dev.sockscope.ui.web;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.ui.exchange.HarImport;
import dev.sockscope.ui.exchange.HarImporter;
import dev.sockscope.ui.replay.Replayer;

/**
 * What only the process that records into the folder (a proxy or the demo) can do, because it holds the store: a
 * replay, an import and a mock, each recorded into the same folder. The inspector's write routes call it, and through
 * them the command line works beside a running proxy. Absent where a process only reads ({@code sockscope ui}).
 */
public interface RecordingProcess {
    Replayer.Result replay(long sessionId, Replayer.Options options) throws Exception;

    HarImporter.Imported importHar(JsonNode har, String source, boolean keepSecrets) throws HarImport.NotHar, Exception;

    /** Starts a mock of recorded sessions inside this process; what clients do against it is recorded here. */
    RunningMock startMock(List<Long> sessionIds, String host, int port, RecordedUpstream.Unmatched unmatched,
                          RecordedUpstream.Latency latency) throws Exception;

    /** Stops a mock started here; false when there is none with that id. */
    boolean stopMock(long id);

    List<RunningMock> mocks();

    /** A mock served by this process: its id, the sessions it plays, where clients connect ({@code host:port}). */
    record RunningMock(long id, List<Long> sessions, String listen) {
    }
}
