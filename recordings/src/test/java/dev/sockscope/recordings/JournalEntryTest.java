package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class JournalEntryTest {
    @Test
    void anEntryReadsBackAsItWasWrittenAndTakesExactlyTheBytesItSaid() {
        JournalEntry e = JournalEntry.of(JournalEntry.Kind.BLOCK, 42, 7L, null, "chat 💬 Zoë", new byte[] {1, 2, 3});
        byte[] body = e.encode();
        assertThat(body).hasSize(e.encodedSize());
        JournalEntry back = JournalEntry.decode(ByteBuffer.wrap(body));
        assertThat(back.kind()).isEqualTo(JournalEntry.Kind.BLOCK);
        assertThat(back.sessionId()).isEqualTo(42);
        assertThat(back.values().get(0)).isEqualTo(7L);
        assertThat(back.values().get(1)).isNull();
        assertThat(back.values().get(2)).isEqualTo("chat 💬 Zoë");
        assertThat((byte[]) back.values().get(3)).containsExactly(1, 2, 3);
    }

    @Test
    void theSizeOfAnyTextIsTheLengthOfItsUtf8EvenWithLoneSurrogates() {
        Random random = new Random(11);
        char[] alphabet = {'a', 'é', '日', '\uD83D', '\uDCAC', '\u0000', '\u07FF', '\u0800', '\uFFFF'};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            JournalEntry e = JournalEntry.of(JournalEntry.Kind.PROTOCOL, 1, s);
            ByteBuffer roomy = ByteBuffer.allocate(1024);
            e.encodeInto(roomy);
            assertThat(e.encodedSize()).as("%s", s.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(roomy.position());
            assertThat(JournalEntry.decode(ByteBuffer.wrap(e.encode())).values().get(0))
                    .isEqualTo(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
    }
}
