package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/** {@code sockscope check} and {@code repair} as a user runs them on a folder with a damaged recording file. */
class CheckAndRepairCommandsTest {
    @TempDir
    Path db;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void checkSaysWhereARecordingFileIsDamagedAndRepairKeepsTheRest() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(db)) {
            CaptureDecoder decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
            Handshake h = new Handshake("/chat", null, List.of(), 101, List.of(), null, List.of());
            store.append(decoder.decodeAll(List.of(new CaptureEvent.SessionOpened(
                    new SessionInfo(1, "127.0.0.1:1", "ws://127.0.0.1:2", "127.0.0.1:3", h, 1_000_000)))));
            for (int batch = 0; batch < 3; batch++) {
                List<CaptureEvent> frames = new ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    long seq = batch * 10L + i;
                    frames.add(new CaptureEvent.FrameCaptured(new RecordedFrame(1, seq, 1_000_000 + seq, Direction.CLIENT_TO_SERVER,
                            FrameType.TEXT, ("message " + seq).getBytes(StandardCharsets.UTF_8), 1, null)));
                }
                store.append(decoder.decodeAll(frames));
            }
        }
        assertThat(run("check", "--db", db.toString())).extracting(Run::code, Run::out)
                .containsExactly(0, "1 recording file in " + db.resolve("journal") + " read whole, none damaged\n"
                        + "index: 1 sessions, 3 blocks of frames, every row readable\nnothing damaged\n");

        Path file = db.resolve("journal/1.seg");
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), size - 5); // inside the last block's record
        }
        Run check = run("check", "--db", db.toString());
        assertThat(check.code()).as("exit status; %s", check).isEqualTo(2);
        assertThat(check.out()).contains("journal/1.seg: damaged at offset").contains("a record's checksum does not match")
                .contains("run 'sockscope repair' to keep the 4 readable records")
                .endsWith("damaged: run 'sockscope repair --db " + db + "' to keep what is readable\n");

        Run repair = run("repair", "--db", db.toString());
        assertThat(repair.code()).as("exit status; %s", repair).isZero();
        assertThat(repair.out()).contains("journal/1.seg: damaged at offset").contains("kept the 4 readable records")
                .contains("index: 1 sessions readable").endsWith("repaired\n");
        assertThat(run("check", "--db", db.toString()).code()).isZero();
        assertThat(Cli.run("frames", "1", "--db", db.toString(), "--json")).contains("message 20").doesNotContain("message 21");
    }
}
