package dev.sockscope.decode.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The operation type and name found by the one-pass scan of a GraphQL document, as labels show them. */
class OperationTest {

    private static String label(String query, String operationName) {
        Operation op = Operation.of(query, operationName);
        return op == null ? null : op.label();
    }

    @Test
    void namedAnonymousAndShorthandOperations() {
        assertThat(label("subscription OnMessage { message { id } }", null)).isEqualTo("subscription OnMessage");
        assertThat(label("query GetUser($id: ID!) { user(id: $id) { name } }", null)).isEqualTo("query GetUser");
        assertThat(label("mutation{post(text:\"x\"){id}}", null)).isEqualTo("mutation");
        assertThat(label("{ hello }", null)).isEqualTo("query");
        assertThat(label("  query ($id: ID) { a }", null)).isEqualTo("query");
        assertThat(label("subscription @live { ticks }", null)).isEqualTo("subscription");
        assertThat(label("{ broken", null)).as("an unfinished document still has its operation").isEqualTo("query");
    }

    @Test
    void commentsStringsAndFragmentsAreNotOperations() {
        String doc = """
                # query NotThis { x }
                fragment F on User { name(format: "query Nope {") }
                \"\"\"a description with subscription Wrong { and \\\"\"\" inside\"\"\"
                query Real { ...F }
                """;
        assertThat(label(doc, null)).isEqualTo("query Real");
        assertThat(label("fragment F on T { a }", null)).as("only fragments: no operation").isNull();
        assertThat(label("", null)).isNull();
        assertThat(label("   \n# nothing", null)).isNull();
        assertThat(label(null, null)).isNull();
    }

    @Test
    void operationNameChoosesAmongSeveral() {
        String doc = "query A { a } mutation B { b } subscription C { c }";
        assertThat(label(doc, null)).isEqualTo("query A");
        assertThat(label(doc, "B")).isEqualTo("mutation B");
        assertThat(label(doc, "C")).isEqualTo("subscription C");
        assertThat(label(doc, "Missing")).as("a name the document lacks: the first operation's type").isEqualTo("query Missing");
    }

    @Test
    void aHugeQueryIsOnePassWithTheNamedOperationAtItsEnd() {
        StringBuilder doc = new StringBuilder();
        for (int i = 0; doc.length() < 4_000_000; i++) {
            doc.append("fragment F").append(i).append(" on T { a b(c: \"}{\") { d } }\n");
        }
        doc.append("subscription Last { x }");
        long started = System.nanoTime();
        assertThat(label(doc.toString(), "Last")).isEqualTo("subscription Last");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("4 MB scanned").isLessThan(Duration.ofSeconds(2));
    }
}
