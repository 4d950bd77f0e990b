package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.Utf8Validator;
import dev.sockscope.wire.WireShape;

import static dev.sockscope.proxy.tap.FrameRules.isControl;
import static dev.sockscope.proxy.tap.FrameRules.isReserved;
import static dev.sockscope.proxy.tap.FrameRules.joinNotes;

/**
 * Reads a copy of one direction's bytes as they cross the pass-through relay and turns them into recorded
 * frames: frame headers split across reads, unmasking by offset, fragments reassembled, permessage-deflate
 * inflated with its own {@link MessageInflater} (context kept between messages unless negotiated otherwise).
 * It never changes what is relayed: what breaks RFC 6455 is recorded with a note saying what, and parsing
 * goes on as the receiving peer would read it. Data messages are recorded when their last fragment has been
 * read, control frames one by one. Headers and unmasking are {@link FrameHeader}'s, what RFC 6455 forbids is
 * {@link FrameRules}'. Not thread-safe: one direction, one reader at a time.
 */
public final class FrameTap {
    /** A control frame longer than RFC 6455 allows (125) is recorded up to this much. */
    private static final int MAX_CONTROL_RECORDED = 64 * 1024;

    private final long sessionId;
    private final Direction from;
    private final NegotiatedExtensions extensions;
    private final long maxRecorded;
    private final MessageBudget budget;
    private final MicroClock clock;
    /** Null without permessage-deflate. */
    private final MessageInflater inflater;
    /** The receiver's inflater history, kept under context takeover (for re-encoding after an edit); else null. */
    private final DeflateWindow window;
    /** Whole messages are kept, whatever the recording limit (the relay reads message by message: intercepting). */
    private boolean keepWhole;
    /** Unmasked input and inflated output on their way into the message; allocated when first needed. */
    private byte[] scratch;

    // The frame header being read, then the frame whose payload is being read.
    private final FrameHeader header = new FrameHeader();
    private boolean inPayload;
    private long payloadRead;
    private String frameNote;
    // A control frame's payload.
    private byte[] control = new byte[128];
    private int controlLength;
    // The data message being assembled (its first frame's opcode; -1 when none is in progress).
    private int messageOpcode = -1;
    private FrameType messageType;
    private int messageRsv;
    private boolean messageCompressed;
    private boolean messageMasked;
    private int fragments;
    private long wireBytes;
    private long messageBytes;
    private static final byte[] EMPTY = new byte[0];
    private byte[] message = EMPTY;
    private int messageLength;
    private long taken;
    private String cutReason;
    private final StringBuilder messageNotes = new StringBuilder();
    private final Utf8Validator utf8 = new Utf8Validator();
    /** This direction's sender has sent a close frame: RFC 6455 §5.5.1 lets nothing follow it. */
    private boolean closeSent;
    /** Set by the relay once it stops forwarding this direction (after the proxy's own close). */
    private String relayNote;
    /** When the last data fragment so far ended (microseconds): a message the proxy's close cuts was relayed until then. */
    private long lastFragmentMicros;
    /** The part of the message in progress that had been relayed when the relay stopped; null if none was cut. */
    private RelayedPart relayedPart;
    /** Where inflated message bytes go (one method reference, not one per read). */
    private final MessageInflater.Sink inflated = this::messageBytes;

    public FrameTap(long sessionId, Direction from, NegotiatedExtensions extensions, long maxRecordedBytes,
                    MessageBudget budget, MicroClock clock) {
        this.sessionId = sessionId;
        this.from = from;
        this.extensions = extensions;
        this.maxRecorded = maxRecordedBytes;
        this.budget = budget;
        this.clock = clock;
        this.inflater = extensions.deflate() ? new MessageInflater(extensions.noContextTakeover(from)) : null;
        this.window = extensions.deflate() && !extensions.noContextTakeover(from) ? new DeflateWindow() : null;
    }

    /** From now on messages are kept whole (true) or up to the recording limit (false). */
    public void keepWhole(boolean whole) {
        this.keepWhole = whole;
    }

    /** The receiver's inflater history (last 32 KiB of uncompressed message bytes), or null when it is not known. */
    public byte[] receiverWindow() {
        return window != null && window.known() ? window.bytes() : null;
    }

    /** True between messages: no data message is in progress and the next byte starts a frame header. */
    public boolean atMessageBoundary() {
        return atFrameBoundary() && messageOpcode < 0;
    }

    /** The opcode of the frame read last (or being read). */
    public int frameOpcode() {
        return header.opcode;
    }

    /**
     * Reads from {@code bytes} (position to limit, neither moved) up to the end of the frame in progress, or of the next
     * frame when it is between frames; returns how many bytes it read.
     */
    public int feedFrame(ByteBuffer bytes, List<RecordedFrame> out) {
        return feed(bytes, true, false, out);
    }

    /**
     * Parses {@code bytes} from its position to its limit without moving either; completed frames are
     * added to {@code out}. With {@code stopAtBoundary}, stops at the first frame boundary reached and
     * returns how many bytes it read (0 when it is at one already).
     */
    public int feed(ByteBuffer bytes, boolean stopAtBoundary, List<RecordedFrame> out) {
        return feed(bytes, stopAtBoundary, true, out);
    }

    private int feed(ByteBuffer bytes, boolean stopAtBoundary, boolean zeroAtBoundary, List<RecordedFrame> out) {
        int pos = bytes.position();
        int end = bytes.limit();
        if (stopAtBoundary && zeroAtBoundary && atFrameBoundary()) {
            return 0;
        }
        while (pos < end) {
            if (!inPayload) {
                if (header.add(bytes.get(pos++))) {
                    startFrame(out);
                    if (stopAtBoundary && atFrameBoundary()) {
                        break;
                    }
                }
                continue;
            }
            int n = (int) Math.min(end - pos, header.payloadLength - payloadRead);
            payload(bytes, pos, n);
            pos += n;
            payloadRead += n;
            if (payloadRead == header.payloadLength) {
                endFrame(out);
                if (stopAtBoundary) {
                    break;
                }
            }
        }
        return pos - bytes.position();
    }

    /** True between frames: the next byte starts a frame header. */
    public boolean atFrameBoundary() {
        return !inPayload && !header.started();
    }

    /** From now on frames read are not relayed (the proxy closed this direction); they are recorded saying so. */
    public void relayStopped(String note) {
        this.relayNote = note;
        if (messageOpcode >= 0) {
            // The relay stops at a frame boundary: the fragments read so far went through, the rest will not.
            relayedPart = new RelayedPart(fragments, wireBytes, lastFragmentMicros);
        }
    }

    /** Whatever part of a frame or message was read before the connection ended, for the recording; null if none. */
    public RecordedFrame unfinished(String note) {
        if (messageOpcode >= 0) {
            addNote(note);
            return finishMessage();
        }
        if (inPayload && (isControl(header.opcode) || isReserved(header.opcode))) {
            addFrameNote(note);
            return controlFrame();
        }
        return null;
    }

    private void startFrame(List<RecordedFrame> out) {
        payloadRead = 0;
        inPayload = true;
        frameNote = FrameRules.checkHeader(header, from, extensions, closeSent);
        startFragment(out);
        if (header.payloadLength == 0) {
            endFrame(out);
        }
    }

    /** Starts, continues or ends the data message this frame belongs to; control and reserved frames stand alone. */
    private void startFragment(List<RecordedFrame> out) {
        int opcode = header.opcode;
        if (isControl(opcode) || isReserved(opcode)) {
            controlLength = 0; // a reserved opcode is kept whole like a control frame: nobody knows what it means
            return;
        }
        if (opcode == 0) {
            if (messageOpcode < 0) {
                startMessage(out, 0);
                addNote("continuation frame with no message to continue");
            }
        } else {
            if (messageOpcode >= 0) {
                addNote("a new message started before this one's last fragment");
                out.add(finishMessage());
            }
            startMessage(out, opcode);
        }
        fragments++;
        if (frameNote != null) {
            addNote(frameNote);
        }
    }

    private void startMessage(List<RecordedFrame> out, int first) {
        messageOpcode = first;
        messageType = first == 1 ? FrameType.TEXT : FrameType.BINARY;
        messageRsv = header.rsv;
        messageMasked = header.masked;
        messageCompressed = extensions.deflate() && (header.rsv & 4) != 0 && first != 0;
        fragments = 0;
        wireBytes = 0;
        messageBytes = 0;
        messageLength = 0;
        cutReason = null;
        messageNotes.setLength(0);
        if (header.fin && !messageCompressed && message.length != Math.min(header.payloadLength, maxRecorded)) {
            message = new byte[(int) Math.min(Math.min(header.payloadLength, maxRecorded), 1 << 20)];
        }
        utf8.reset();
        if (!extensions.undecoded().isEmpty() && header.rsv != 0) {
            addNote("payload recorded as sent: extension " + String.join(", ", extensions.undecoded()) + " is not decoded");
        }
        if (messageCompressed && inflateFailure() != null) {
            addNote("recorded compressed: " + inflateFailure());
        }
    }

    private void payload(ByteBuffer bytes, int at, int n) {
        if (isControl(header.opcode) || isReserved(header.opcode)) {
            int keep = (int) Math.max(0, Math.min(n, MAX_CONTROL_RECORDED - controlLength));
            if (controlLength + keep > control.length) {
                control = Arrays.copyOf(control, Math.max(controlLength + keep, control.length * 2));
            }
            header.copyOut(bytes, at, control, controlLength, keep, payloadRead);
            controlLength += keep;
            return;
        }
        wireBytes += n;
        if (!messageCompressed || inflateFailure() != null) {
            // Straight from the network buffer into the message (one copy); what the recording does not keep
            // still goes through scratch to be validated and counted.
            int keep = room(n);
            header.copyOut(bytes, at, message, messageLength, keep, payloadRead);
            validate(message, messageLength, keep);
            messageLength += keep;
            messageBytes += keep;
            // Only the part past the recording's limit needs scratch: most sessions never allocate it.
            for (int done = keep; done < n; ) {
                byte[] scratch = scratch();
                int chunk = Math.min(n - done, scratch.length);
                header.copyOut(bytes, at + done, scratch, 0, chunk, payloadRead + done);
                messageBytes(scratch, 0, chunk);
                done += chunk;
            }
            return;
        }
        int done = 0;
        byte[] scratch = scratch();
        while (done < n) {
            int chunk = Math.min(n - done, scratch.length / 2);
            // The compressed input sits in the upper half of scratch; inflated output goes to the lower half.
            header.copyOut(bytes, at + done, scratch, scratch.length / 2, chunk, payloadRead + done);
            if (inflater.inflate(scratch, scratch.length / 2, chunk, inflated)) {
                addNote(inflateFailure());
            }
            done += chunk;
        }
    }

    /** Why this direction's messages are recorded compressed, or null while inflating works (or is not needed). */
    private String inflateFailure() {
        return inflater == null ? null : inflater.failure();
    }

    /** Bytes of the message as the receiver reads them (after inflating): validated, counted, kept up to the limit. */
    private void messageBytes(byte[] b, int off, int n) {
        int keep = room(n);
        if (keep > 0) {
            System.arraycopy(b, off, message, messageLength, keep);
            messageLength += keep;
        }
        validate(b, off, n);
        messageBytes += n;
    }

    /**
     * How many of the next {@code n} bytes the recording keeps (the limit, then the shared budget), with the
     * message buffer grown to take them.
     */
    private int room(int n) {
        if (cutReason != null) {
            return 0;
        }
        if (keepWhole) {
            if (messageLength + n > message.length) {
                message = Arrays.copyOf(message, (int) Math.min(Math.max(messageLength + (long) n, message.length * 2L),
                        Integer.MAX_VALUE - 8));
            }
            return n;
        }
        long left = maxRecorded - messageLength;
        int keep = (int) Math.min(n, Math.max(0, left));
        if (keep < n) {
            cutReason = "recorded in part: the first " + maxRecorded + " bytes (--max-message)";
        }
        if (keep > 0 && !budget.tryTake(keep)) {
            cutReason = "recorded in part: the memory for messages in progress (" + (budget.limit() >> 20)
                    + " MiB for all sessions, a quarter of --memory) was full";
            return 0;
        }
        taken += keep;
        if (messageLength + keep > message.length) {
            long wanted = Math.max(messageLength + (long) keep, Math.min(maxRecorded, message.length * 2L));
            message = Arrays.copyOf(message, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
        }
        return keep;
    }

    private void validate(byte[] b, int off, int n) {
        if (messageType == FrameType.TEXT && !messageCompressedRaw()) {
            utf8.update(b, off, n);
        }
    }

    private boolean messageCompressedRaw() {
        return messageCompressed && inflateFailure() != null;
    }

    private void endFrame(List<RecordedFrame> out) {
        inPayload = false;
        if (isControl(header.opcode) || isReserved(header.opcode)) {
            out.add(controlFrame());
            return;
        }
        lastFragmentMicros = clock.nowMicros();
        if (!header.fin) {
            return;
        }
        if (messageCompressed && inflateFailure() == null && inflater.endMessage(scratch(), inflated)) {
            addNote(inflateFailure());
        }
        out.add(finishMessage());
    }

    private RecordedFrame controlFrame() {
        byte[] payload = Arrays.copyOf(control, controlLength);
        int opcode = header.opcode;
        FrameType type = switch (opcode) {
            case 0x8 -> FrameType.CLOSE;
            case 0x9 -> FrameType.PING;
            case 0xA -> FrameType.PONG;
            default -> FrameType.BINARY; // a reserved opcode: kept as bytes, the note says which
        };
        if (type == FrameType.CLOSE) {
            frameNote = joinNotes(frameNote, FrameRules.checkClose(payload));
            closeSent = true;
        }
        String note = joinNotes(frameNote, relayNote);
        long length = header.payloadLength;
        WireShape wire = new WireShape(opcode, header.rsv, length == Long.MAX_VALUE ? payloadRead : length,
                payloadRead, false, header.masked);
        inPayload = false;
        return new RecordedFrame(sessionId, 0, clock.nowMicros(), from, type, payload, 1, note, wire);
    }

    private RecordedFrame finishMessage() {
        if (messageType == FrameType.TEXT && !messageCompressedRaw() && !utf8.isCompleteAndValid()) {
            addNote("invalid UTF-8 in a text message");
        }
        if (cutReason != null) {
            addNote(cutReason + " of " + messageBytes);
        }
        long at;
        if (relayedPart == null) {
            addNote(relayNote);
            at = clock.nowMicros();
        } else {
            // Cut by the proxy's close: stamped when its relayed part was, saying how much of it went through.
            addNote(relayedPart.note(fragments, wireBytes));
            at = relayedPart.atMicros();
            relayedPart = null;
        }
        if (window != null && messageCompressed && inflateFailure() == null) {
            if (cutReason == null) {
                window.add(message, 0, messageLength);
            } else {
                window.lost();
            }
        }
        byte[] payload;
        if (messageLength == message.length) {
            payload = message; // sized exactly (one frame of known length): handed over, not copied
            message = EMPTY;
        } else {
            payload = Arrays.copyOf(message, messageLength);
        }
        budget.give(taken);
        taken = 0;
        String note = messageNotes.length() == 0 ? null : messageNotes.toString();
        WireShape wire = new WireShape(messageOpcode, messageRsv, wireBytes, messageBytes, messageCompressed, messageMasked);
        RecordedFrame frame = new RecordedFrame(sessionId, 0, at, from, messageType, payload,
                Math.max(1, fragments), note, wire);
        messageOpcode = -1;
        messageLength = 0;
        if (message.length > 1 << 20) {
            message = EMPTY; // do not pin a huge buffer for the rest of the session
        }
        return frame;
    }

    private byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[32 * 1024];
        }
        return scratch;
    }

    private void addFrameNote(String note) {
        frameNote = joinNotes(frameNote, note);
    }

    private void addNote(String note) {
        if (note == null || messageNotes.indexOf(note) >= 0) {
            return;
        }
        if (messageNotes.length() > 0) {
            messageNotes.append("; ");
        }
        messageNotes.append(note);
    }

    /** Close codes an endpoint may put in a close frame (RFC 6455 §7.4.1 and the IANA registry). */
    public static boolean sendableCloseCode(int code) {
        return FrameRules.sendableCloseCode(code);
    }
}
