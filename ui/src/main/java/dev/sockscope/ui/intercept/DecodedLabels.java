package dev.sockscope.ui.intercept;

import java.util.List;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Labels an intercepted message with the protocol decoders, as the recording will: the session's subprotocol or
 * configured protocol chooses the decoder, and the message is read on its own (its label and kind do not depend on
 * what came before). Only asked for breakpoints on a label or kind, and for showing held messages.
 */
public final class DecodedLabels implements MessageLabels {
    private final ProtocolRegistry protocols;

    public DecodedLabels(ProtocolRegistry protocols) {
        this.protocols = protocols;
    }

    @Override
    public Labels of(InterceptedMessage m) {
        try {
            var facts = m.session();
            Handshake handshake = new Handshake("/", null, List.of(), 101, List.of(), facts.subprotocol(), List.of());
            SessionDecoder decoder = protocols.open(new SessionInfo(facts.id(), String.valueOf(facts.route()),
                    String.valueOf(facts.upstream()), "", handshake, 0, facts.protocol()));
            FrameDecoding d = decoder.decode(new RecordedFrame(facts.id(), 1, 0, m.from(), m.type(), m.payload(), 1, null)).decoding();
            return d == null ? Labels.NONE : new Labels(d.label(), d.kind() == null ? null : d.kind().label());
        } catch (RuntimeException e) {
            return Labels.NONE; // a decoder's failure never holds up the relay
        }
    }
}
