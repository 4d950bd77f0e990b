package dev.sockscope.ui.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a HAR file as JSON, with limits sized to what Sockscope records rather than Jackson's defaults (a string of
 * 20 M characters at most, which a 15 MiB binary message in base64 already passes): a string may hold a message up to
 * {@code --max-message} as base64; nesting is bounded, as a HAR's own structure is shallow. A file over a limit, or
 * not JSON, gives a message that names the limit or the place, never an exception of the parser's.
 */
public final class HarFile {
    /** Nesting deeper than this is refused: a HAR is about six levels deep, and message payloads are strings. */
    public static final int MAX_DEPTH = 1000;

    private HarFile() {
    }

    /** The longest string a HAR of messages up to {@code maxMessageBytes} needs: one of those messages as base64. */
    public static long maxStringChars(long maxMessageBytes) {
        return 4 * ((maxMessageBytes + 2) / 3);
    }

    /** The file's JSON tree; {@link HarImport.NotHar} says what is wrong with the file, IOException that it cannot be read. */
    public static JsonNode read(Path file, long maxMessageBytes) throws HarImport.NotHar, IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, maxMessageBytes);
        }
    }

    /** {@link #read(Path, long)} for a HAR arriving as a stream (the inspector's {@code POST /api/import}). */
    public static JsonNode read(InputStream in, long maxMessageBytes) throws HarImport.NotHar, IOException {
        long maxString = maxStringChars(maxMessageBytes);
        ObjectMapper mapper = JsonMapper.builder().build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxString)).maxNestingDepth(MAX_DEPTH).build());
        try {
            JsonNode root = mapper.readTree(in);
            if (root == null || root.isMissingNode()) {
                throw new HarImport.NotHar("it is empty");
            }
            return root;
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage();
            if (message.contains("getMaxStringLength")) {
                throw new HarImport.NotHar("a string in it is over " + maxString + " characters, the import's limit: the base64 of"
                        + " a message of " + maxMessageBytes + " bytes (--max-message); raise --max-message to import it");
            }
            if (message.contains("getMaxNestingDepth")) {
                throw new HarImport.NotHar("its JSON nests deeper than " + MAX_DEPTH + " levels, the import's limit (a HAR's own"
                        + " structure is a few levels deep: this is not one)");
            }
            throw new HarImport.NotHar("over a limit of the JSON reader: " + message);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new HarImport.NotHar("not JSON: " + e.getOriginalMessage()
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        }
    }
}
