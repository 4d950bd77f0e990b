package dev.sockscope.ui.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** A streaming table prints as rows come once its sample is taken, and the same as a plain table when all fit in it. */
class TableTest {
    @Test
    void aStreamingTablePrintsEachRowAsItComesOnceItsColumnsAreSized() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        Table t = Table.streaming(out, 2, "SEQ", "LABEL", "SUMMARY");
        t.add(1, "hello", "first");
        assertThat(text.toString()).as("held until the sample is taken").isEmpty();
        t.add(22, "hi", "second");
        out.flush();
        assertThat(text.toString()).isEqualTo("""
                SEQ  LABEL  SUMMARY
                1    hello  first
                22   hi     second
                """);
        t.add(333, "a longer label", "third");
        out.flush();
        assertThat(text.toString()).as("printed at once, whole, though wider than the sample's column")
                .endsWith("333  a longer label  third\n");
        t.print(out);
        assertThat(t.size()).isEqualTo(3);
        assertThat(text.toString().lines()).hasSize(4);
    }

    @Test
    void aStreamingTableThatNeverFillsItsSamplePrintsAsAPlainOne() {
        StringWriter streamed = new StringWriter();
        StringWriter plain = new StringWriter();
        Table s = Table.streaming(new PrintWriter(streamed), 1000, "A", "B");
        Table p = new Table("A", "B");
        for (Table t : new Table[] {s, p}) {
            t.add("x", null);
            t.add("long value", "y");
        }
        s.print(new PrintWriter(streamed));
        p.print(new PrintWriter(plain));
        assertThat(streamed.toString()).isEqualTo(plain.toString()).isEqualTo("A           B\nx           -\nlong value  y\n");
    }
}
