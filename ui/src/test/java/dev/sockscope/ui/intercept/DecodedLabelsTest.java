package dev.sockscope.ui.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLabels;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

class DecodedLabelsTest {
    private final DecodedLabels labels = new DecodedLabels(ProtocolRegistry.builtIn());

    private MessageLabels.Labels of(String protocol, String text) {
        return labels.of(new InterceptedMessage(new SessionFacts(1, "127.0.0.1:1", "ws://x", null, protocol), Direction.CLIENT_TO_SERVER,
                FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMessageIsLabelledByItsSessionsProtocolOnItsOwn() {
        assertThat(of("max", "{\"cmd\":0,\"seq\":2,\"opcode\":19,\"payload\":{\"token\":\"t\"}}"))
                .isEqualTo(new MessageLabels.Labels("LOGIN (19)", "request"));
        assertThat(of(null, "not json at all").label()).as("the fallback's label").isEqualTo("text");
    }
}
