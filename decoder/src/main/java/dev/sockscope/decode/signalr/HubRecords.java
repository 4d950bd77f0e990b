package dev.sockscope.decode.signalr;

import java.util.ArrayList;
import java.util.List;

/** Cuts a text frame of the JSON hub protocol into its records: JSON documents each ended by the record separator 0x1E. */
final class HubRecords {
    static final char SEPARATOR = '\u001e';
    /** More records than this in one frame are read as one more, unread: a frame of 64 MiB of separators stays cheap. */
    static final int MAX_RECORDS = 1_000;

    /**
     * One record's text and where it is in the frame (characters).
     *
     * @param terminated whether the separator ends it (the protocol says every record is)
     */
    record Record(String text, int start, int end, boolean terminated) {
    }

    private HubRecords() {
    }

    static List<Record> cut(String text) {
        List<Record> out = new ArrayList<>(2);
        int start = 0;
        while (start < text.length() && out.size() < MAX_RECORDS) {
            int sep = text.indexOf(SEPARATOR, start);
            int end = sep < 0 ? text.length() : sep;
            if (end > start || sep < 0) {
                out.add(new Record(text.substring(start, end), start, end, sep >= 0));
            }
            if (sep < 0) {
                return out;
            }
            start = sep + 1;
        }
        if (start < text.length()) {
            out.add(new Record(text.substring(start), start, text.length(), text.endsWith(String.valueOf(SEPARATOR))));
        }
        return out;
    }
}
