package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

class FrameBlockCodecTest {
    /** Version 1 bytes are a contract with every recording ever made: this golden pair must never change. */
    private static final String GOLDEN_V1 = "01" + "02"                             // version 1, two frames
            + "01" + "e807" + "00" + "01" + "00" + "02" + "6869"                     // seq 1, t 1000, client text, 1 fragment, no note, "hi"
            + "02" + "d00f" + "12" + "02" + "0c" + "6e6f742072656c61796564" + "00"; // seq 2, t 2000, server ping, 2 fragments, note, empty

    private static final List<RecordedFrame> FRAMES = List.of(
            new RecordedFrame(5, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hi".getBytes(), 1, null),
            new RecordedFrame(5, 2, 2000, Direction.SERVER_TO_CLIENT, FrameType.PING, new byte[0], 2, "not relayed"));

    @Test
    void encodesVersion1ExactlyAsDocumented() {
        byte[] encoded = FrameBlockCodec.encode(FRAMES);
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(GOLDEN_V1);
    }

    @Test
    void decodesTheGoldenBlock() {
        List<RecordedFrame> decoded = FrameBlockCodec.decode(5, HexFormat.of().parseHex(GOLDEN_V1)).stream().map(StoredFrame::frame).toList();
        assertThat(decoded).usingRecursiveFieldByFieldElementComparator().isEqualTo(FRAMES);
    }

    @Test
    void refusesBlocksItDoesNotUnderstand() {
        assertThatThrownBy(() -> FrameBlockCodec.decode(1, new byte[] {8, 0})).hasMessageContaining("version 8");
        assertThatThrownBy(() -> FrameBlockCodec.decode(1, new byte[] {1, 1, 1})).hasMessageContaining("truncated");
    }
}
