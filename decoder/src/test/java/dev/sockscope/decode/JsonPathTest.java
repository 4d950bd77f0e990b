package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** Dotted spec paths on Jackson's JSON Pointer: a name is a name, whatever characters it holds (but a dot). */
class JsonPathTest {
    private static JsonNode json(String text) {
        return ((JsonText.Ok) JsonText.parse(text)).tree();
    }

    @Test
    void namesHoldingSlashOrTildeAreEscapedAsJsonPointerSegments() {
        assertThat(JsonPath.parse("auth/v2.~user.~1").pointer().toString()).isEqualTo("/auth~1v2/~0user/~01");
        JsonNode tree = json("{\"auth/v2\":{\"~user\":{\"~1\":\"tilde-one\",\"/\":\"slash\"}}}");
        assertThat(JsonPath.parse("auth/v2.~user.~1").find(tree).asText()).isEqualTo("tilde-one");
        assertThat(JsonPath.parse("auth/v2.~user./").find(tree).asText()).isEqualTo("slash");
        assertThat(JsonPath.parse("auth.v2").find(tree)).as("a slash is no separator").isNull();
    }

    @Test
    void oddNamesWithoutDotsAreOrdinaryNames() {
        JsonNode tree = json("{\"\u043a\u043b\u044e\u0447\":1,\" spaced \":2,\"a b\":3,\"$ref\":4,\"#\":5,\"0\":\"zero\",\"-\":6}");
        assertThat(JsonPath.parse("\u043a\u043b\u044e\u0447").find(tree).asInt()).isEqualTo(1);
        assertThat(JsonPath.parse("a b").find(tree).asInt()).isEqualTo(3);
        assertThat(JsonPath.parse("$ref").find(tree).asInt()).isEqualTo(4);
        assertThat(JsonPath.parse("#").find(tree).asInt()).isEqualTo(5);
        assertThat(JsonPath.parse("0").find(tree).asText()).as("a number names an object's field").isEqualTo("zero");
        assertThat(JsonPath.parse("-").find(tree).asInt()).isEqualTo(6);
        assertThat(JsonPath.parse("  a b  ").text()).as("the path is trimmed, not its names' inner spaces").isEqualTo("a b");
    }

    @Test
    void numbersIndexArraysAsSpecsWriteThem() {
        JsonNode tree = json("{\"data\":{\"roles\":[{\"name\":\"admin\"},{\"name\":\"default\"}]}}");
        assertThat(JsonPath.parse("data.roles.1.name").find(tree).asText()).isEqualTo("default");
        assertThat(JsonPath.parse("data.roles.2.name").find(tree)).isNull();
        assertThat(JsonPath.parse("data.roles.name").find(tree)).as("a name does not index an array").isNull();
    }

    @Test
    void missingAndNullAreAbsent() {
        JsonNode tree = json("{\"a\":null,\"b\":\"text\"}");
        assertThat(JsonPath.parse("a").find(tree)).isNull();
        assertThat(JsonPath.parse("c").find(tree)).isNull();
        assertThat(JsonPath.parse("b.c").find(tree)).as("below a value there is nothing").isNull();
        assertThat(JsonPath.parse("b").find(null)).isNull();
    }

    @Test
    void replaceChangesOnlyAValueThatIsThere() {
        JsonNode tree = json("{\"a/b\":{\"~\":\"x\"},\"list\":[1,2]}");
        assertThat(JsonPath.parse("a/b.~").replace(tree, TextNode.valueOf("y"))).isTrue();
        assertThat(JsonPath.parse("list.1").replace(tree, TextNode.valueOf("two"))).isTrue();
        assertThat(JsonPath.parse("list.2").replace(tree, TextNode.valueOf("three"))).isFalse();
        assertThat(JsonPath.parse("a/b.missing").replace(tree, TextNode.valueOf("z"))).isFalse();
        assertThat(tree.toString()).isEqualTo("{\"a/b\":{\"~\":\"y\"},\"list\":[1,\"two\"]}");
    }

    @Test
    void lastNameAndTopLevelAreUnescaped() {
        assertThat(JsonPath.parse("creds.api/key").lastName()).isEqualTo("api/key");
        assertThat(JsonPath.parse("x~y").lastName()).isEqualTo("x~y");
        assertThat(JsonPath.parse("a/b").isTopLevel()).isTrue();
        assertThat(JsonPath.parse("a.b").isTopLevel()).isFalse();
    }

    @Test
    void aSecretWhoseNameHoldsASlashIsMaskedInTheStoredText() {
        String text = "{\"creds\":{\"api/key\":\"k-0123456789\",\"api\":{\"key\":\"visible\"}}}";
        byte[] masked = PayloadMasker.mask(text, List.of(JsonPath.parse("creds.api/key")), GoldenFrames.MASKER);
        assertThat(masked).isNotNull();
        assertThat(new String(masked, StandardCharsets.UTF_8)).isEqualTo(
                "{\"creds\":{\"api/key\":\"" + GoldenFrames.MASKER.mask("k-0123456789") + "\",\"api\":{\"key\":\"visible\"}}}");
    }

    @Test
    void emptyNamesAreRefused() {
        assertThatThrownBy(() -> JsonPath.parse(" ")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> JsonPath.parse("a..b")).hasMessageContaining("empty name between dots");
        assertThatThrownBy(() -> JsonPath.parse("a.")).hasMessageContaining("empty name between dots");
    }
}
