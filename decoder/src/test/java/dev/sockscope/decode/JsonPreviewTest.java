package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The hand-written summary JSON is Jackson's compact JSON, cut: golden documents and random trees against Jackson itself. */
class JsonPreviewTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void parsedDocumentsPreviewAsJacksonWritesThem() throws Exception {
        String[] golden = {"{}", "[]", "{\"a\":1}", "[1,2.50,-3e10,1.0E-7,12345678901234567890123,true,false,null]",
                "{\"type\":\"message\",\"text\":\"tab\\there, quote \\\" backslash \\\\ newline \\n ctrl \\u0001 \\u001f del \\u007f é 日本 😀\"}",
                "{\"nested\":{\"deeper\":[{\"x\":[[],{}]}]},\"slash\":\"a/b\",\"bell\":\"\\b\\f\\r\"}",
                "{\"long\":\"" + "x".repeat(300) + "\"}"};
        for (String json : golden) {
            assertSameAsJackson(((JsonText.Ok) JsonText.parse(json)).tree());
        }
    }

    @Test
    void randomTreesPreviewAsJacksonWritesThem() throws Exception {
        Random random = new Random(20);
        for (int round = 0; round < 3000; round++) {
            assertSameAsJackson(tree(random, 0));
        }
    }

    private static void assertSameAsJackson(JsonNode tree) throws Exception {
        String jackson = JsonText.MAPPER.writeValueAsString(tree);
        for (int keep : new int[] {1, 7, 121, 4000}) {
            assertThat(JsonPreview.prefix(tree, keep)).as("%d of %s", keep, jackson).isEqualTo(jackson.substring(0, Math.min(keep, jackson.length())));
        }
        assertThat(Previews.json(tree)).isEqualTo(Filters.truncate(jackson, Previews.TEXT_CHARS));
    }

    private static JsonNode tree(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 8 : 10);
        return switch (kind) {
            case 0 -> NODES.textNode(text(random));
            case 1 -> NODES.numberNode(random.nextInt());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(new BigDecimal(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15)));
            case 4 -> NODES.numberNode(new BigInteger(90, random));
            case 5 -> NODES.booleanNode(random.nextBoolean());
            case 6 -> NODES.nullNode();
            case 7 -> NODES.numberNode(random.nextDouble());
            case 8 -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    o.set(text(random), tree(random, depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    a.add(tree(random, depth + 1));
                }
                yield a;
            }
        };
    }

    private static String text(Random random) {
        char[] pool = {'a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', 'é', '日', '\uD83D', '\uDE00'};
        char[] chars = new char[random.nextInt(40)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : pool[random.nextInt(pool.length)];
        }
        return new String(chars);
    }
}
