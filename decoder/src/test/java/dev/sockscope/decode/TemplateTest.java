package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.spec.SpecException;

/** Templates are typed when the spec loads: parts, sources and filters; a render only walks them. */
class TemplateTest {
    private static final Map<String, String> NAMES = Map.of("name", "LOGIN", "value", "19");

    private static JsonNode json(String text) {
        return ((JsonText.Ok) JsonText.parse(text)).tree();
    }

    @Test
    void aTemplateIsParsedIntoTypedParts() {
        Template t = Template.parse("{name}: {data.who,'everyone'|quote}[ in {data.group}] {data.roles|join:name|nonempty}");
        List<Template.Part> parts = t.parts();
        assertThat(parts.get(0)).isEqualTo(new Template.Value(
                List.of(new Template.Named("name", JsonPath.parse("name"))), List.of()));
        assertThat(parts.get(1)).isEqualTo(new Template.Literal(": "));
        assertThat(parts.get(2)).isEqualTo(new Template.Value(
                List.of(new Template.Field(JsonPath.parse("data.who")), new Template.Quoted("everyone")),
                List.of(Filter.Named.QUOTE)));
        assertThat(parts.get(3)).isEqualTo(new Template.Optional(List.of(new Template.Literal(" in "),
                new Template.Value(List.of(new Template.Field(JsonPath.parse("data.group"))), List.of()))));
        assertThat(parts.get(5)).isEqualTo(new Template.Value(List.of(new Template.Field(JsonPath.parse("data.roles"))),
                List.of(new Filter.Join("name"), Filter.Named.NONEMPTY)));
    }

    @Test
    void rendersNamesFieldsFallbacksAndOptionalParts() {
        Template t = Template.parse("{name} ({value}): {data.who,'everyone'|quote}[ in {data.group}] by {data.by}");
        assertThat(t.render(json("{\"data\":{\"who\":\"ann\",\"group\":7}}"), NAMES)).isEqualTo("LOGIN (19): “ann” in 7 by ?");
        assertThat(t.render(json("{\"data\":{}}"), NAMES)).as("a quoted fallback goes through no filter")
                .isEqualTo("LOGIN (19): everyone by ?");
        assertThat(Template.parse("{name}").render(json("{\"name\":\"in the tree\"}"), Map.of()))
                .as("without a name passed, {name} is the field").isEqualTo("in the tree");
    }

    @Test
    void aGuardPassesItsInputOnAndOtherFiltersFeedTheNext() {
        Template t = Template.parse("[muted for {data.duration|nonzero|duration}]{data.roles|join:name|quote}");
        assertThat(t.render(json("{\"data\":{\"duration\":5400,\"roles\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}"), NAMES))
                .isEqualTo("muted for 1 h 30 min“a, b”");
        assertThat(t.render(json("{\"data\":{\"duration\":0,\"roles\":[]}}"), NAMES)).isEqualTo("?");
    }

    @Test
    void badFiltersAreRefusedWhenTheTemplateIsParsed() {
        assertThatThrownBy(() -> Template.parse("chat {payload.chatId|upper}"))
                .hasMessage("template 'chat {payload.chatId|upper}': unknown filter 'upper' (known: count, join, json, duration,"
                        + " time, bitrate, bytes, nonzero, nonempty, text, segments, quote, keys)");
        assertThatThrownBy(() -> Template.parse("{data.n|count:items}"))
                .hasMessage("template '{data.n|count:items}': filter 'count' takes no argument (only join:field does)");
        assertThatThrownBy(() -> Template.parse("{data..n}")).hasMessageStartingWith("template '{data..n}': ");
    }

    @Test
    void aSpecWithAnUnknownFilterFailsToLoadNamingTheFileTheLineAndTheTemplate(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("mine.yaml");
        Files.writeString(spec, "protocol: mine\nlabel:\n  fields: [op]\nmessages:\n  - value: a\n    summary: 'fine {x}'\n"
                + "  - value: b\n    summary: 'sent {when|tiem}'\n");
        assertThatThrownBy(() -> ProtocolRegistry.load(List.of(dir))).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(spec + ": line 8: template 'sent {when|tiem}': unknown filter 'tiem'")
                .hasMessageContaining("(at messages[1].summary)");
    }
}
