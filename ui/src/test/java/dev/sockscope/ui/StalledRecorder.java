package dev.sockscope.ui;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;

/**
 * Stalls the recorder thread of a real proxy process, as a disk that stops answering would, and lets it go again.
 * Nothing else makes a recorder fall behind on cue (a slow disk takes root and a device mapper; a load that outruns
 * it depends on the machine), so the test JVM attaches to the proxy as a debugger (JDWP, {@link #AGENT}) and suspends
 * that one thread. It suspends it only while it waits for its queue, so it holds no lock anything else needs.
 */
final class StalledRecorder implements AutoCloseable {
    /** The JVM option that lets the test attach; the proxy prints the port it listens on. */
    static final String AGENT = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0";
    private static final Pattern LISTENING = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");
    private static final String THREAD = "sockscope-recorder";
    private static final String STORE = "dev.sockscope.recordings.H2RecordingStore";

    private final VirtualMachine vm;
    private final ThreadReference recorder;

    private StalledRecorder(VirtualMachine vm, ThreadReference recorder) {
        this.vm = vm;
        this.recorder = recorder;
    }

    /** Attaches to a proxy started with {@link #AGENT}. */
    static StalledRecorder attach(ProxyProcess proxy) throws IOException, InterruptedException, IllegalConnectorArgumentsException {
        String port = proxy.child.awaitLine(LISTENING, java.time.Duration.ofSeconds(30)).group(1);
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(port);
        VirtualMachine vm = socket.attach(args);
        ThreadReference recorder = vm.allThreads().stream().filter(t -> t.name().equals(THREAD)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + THREAD + " in the proxy"));
        return new StalledRecorder(vm, recorder);
    }

    /** Suspends the recorder where it waits for its queue (parked), never in the middle of a write. */
    void stall() throws IncompatibleThreadStateException {
        for (int tries = 0; tries < 1000; tries++) {
            recorder.suspend();
            if (recorder.frameCount() > 0 && recorder.frame(0).location().method().name().equals("park")) {
                return;
            }
            recorder.resume();
        }
        throw new AssertionError("the recorder was never seen waiting for its queue");
    }

    /**
     * Stops the recorder at the start of its next write to the store ({@code H2RecordingStore.append}), holding the
     * store's lock as a write to a disk that stopped answering does; nothing of that batch is written yet.
     */
    void stallInNextWrite() {
        ReferenceType store = vm.classesByName(STORE).stream().findFirst()
                .orElseThrow(() -> new AssertionError(STORE + " is not loaded in the proxy"));
        Method append = store.methodsByName("append").stream().findFirst().orElseThrow();
        BreakpointRequest stop = vm.eventRequestManager().createBreakpointRequest(append.location());
        stop.addThreadFilter(recorder);
        stop.addCountFilter(1);
        stop.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        stop.enable();
    }

    /** Whether the recorder is stopped in a write ({@link #stallInNextWrite}). */
    boolean stalledInWrite() {
        try {
            return recorder.isSuspended() && recorder.frameCount() > 0
                    && recorder.frame(0).location().method().declaringType().name().equals(STORE);
        } catch (IncompatibleThreadStateException e) {
            return false;
        }
    }

    /** Lets the recorder run again. */
    void release() {
        while (recorder.suspendCount() > 0) {
            recorder.resume();
        }
    }

    /** Lets the recorder go, if its proxy still runs, and detaches. */
    @Override
    public void close() {
        try {
            release();
            vm.dispose();
        } catch (VMDisconnectedException e) {
            // The proxy has exited: nothing to let go.
        }
    }
}
