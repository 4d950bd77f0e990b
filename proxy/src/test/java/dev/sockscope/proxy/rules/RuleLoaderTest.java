package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;

class RuleLoaderTest {
    static final String ISSUE_FIRST = """
            rules:
              - name: slow-login            # every LOGIN answer reaches the client 1.5 s late
                match: { direction: server, pointer: /opcode, equals: 19 }
                delay: 1500ms
              - name: lossy-push            # half of the message pushes never arrive
                match: { direction: server, pointer: /opcode, equals: 128 }
                probability: 0.5
                drop: true
            """;
    static final String ISSUE_SECOND = """
            rules:
              - name: kill-after-history    # the server closes with 1011 right after answering history (opcode 49)
                match: { direction: server, pointer: /opcode, equals: 49 }
                after: { close: { code: 1011, reason: chaos } }
              - name: rename                # the client's display name is rewritten on the way in
                match: { direction: server, pointer: /payload/profile/name }
                set: { /payload/profile/name: Mallory }
            """;

    static List<Rule> load(String text, String origin) throws RuleFileException {
        return new RuleLoader().read(text.getBytes(StandardCharsets.UTF_8), origin, null);
    }

    @Test
    void theIssuesFirstFileLoadsAsWritten() throws Exception {
        List<Rule> rules = load(ISSUE_FIRST, "first.yaml");
        assertThat(rules).extracting(Rule::name).containsExactly("slow-login", "lossy-push");
        Rule slow = rules.get(0);
        assertThat(slow.match().like().direction()).isEqualTo(Direction.SERVER_TO_CLIENT);
        assertThat(slow.match().like().pointer()).isEqualTo("/opcode");
        assertThat(slow.match().like().value()).isEqualTo("19");
        assertThat(slow.actions()).containsExactly(new Action.Delay(new Jitter.Fixed(1_500_000), false));
        assertThat(slow.probability()).isEqualTo(1.0);
        assertThat(slow.line()).isEqualTo(2);
        Rule lossy = rules.get(1);
        assertThat(lossy.probability()).isEqualTo(0.5);
        assertThat(lossy.actions()).containsExactly(new Action.Drop());
        assertThat(lossy.line()).isEqualTo(5);
    }

    @Test
    void theIssuesSecondFileLoadsAsWritten() throws Exception {
        List<Rule> rules = load(ISSUE_SECOND, "second.yaml");
        assertThat(rules.get(0).actions()).containsExactly(new Action.Close(1011, "chaos", true));
        Action.Rewrite rename = (Action.Rewrite) rules.get(1).actions().get(0);
        assertThat(rename.set()).containsOnlyKeys("/payload/profile/name");
        assertThat(rename.set().get("/payload/profile/name").asText()).isEqualTo("Mallory");
        assertThat(rules.get(1).match().like().pointer()).isEqualTo("/payload/profile/name");
        assertThat(rules.get(1).match().like().value()).isNull();
    }

    @Test
    void jsonFilesLoadToo() throws Exception {
        List<Rule> rules = load("""
                {"rules": [{"name": "j", "match": {"type": "text", "every": 3, "first": 10, "elapsed": "2s"},
                  "delay": {"min": "10ms", "max": "30ms"}, "reorder": true, "duplicate": 2}]}
                """, "r.json");
        Rule r = rules.get(0);
        assertThat(r.every()).isEqualTo(3);
        assertThat(r.first()).isEqualTo(10);
        assertThat(r.elapsedMicros()).isEqualTo(2_000_000);
        assertThat(r.actions()).containsExactly(new Action.Delay(new Jitter.Uniform(10_000, 30_000), true), new Action.Duplicate(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown action   | rules:\\n  - name: a\\n    match: { direction: server }\\n    explode: true\\n | bad.yaml:4: rule 'a': unknown action 'explode' (actions: delay, drop, duplicate, set, remove, replace, template, file, answer, inject, refragment, close, abort, stall, throttle, suppress, after; other keys: name, enabled, match, probability, reorder)
            bad pointer      | rules:\\n  - name: b\\n    match:\\n      pointer: opcode\\n    drop: true\\n     | bad.yaml:4: rule 'b': 'opcode' is not a JSON pointer (it starts with '/', e.g. /opcode)
            bad regex        | rules:\\n  - name: c\\n    match: { regex: 'a(b' }\\n    drop: true\\n          | bad.yaml:3: rule 'c': regex 'a(b' does not compile (RE2 syntax): missing closing )
            probability 3    | rules:\\n  - name: d\\n    match: { direction: client }\\n    probability: 3\\n    drop: true\\n | bad.yaml:4: rule 'd': probability 3 is not between 0 and 1
            unknown condition| rules:\\n  - name: e\\n    match:\\n      direction: server\\n      opcode: 19\\n    drop: true\\n | bad.yaml:5: rule 'e': unknown condition 'opcode' (known: path, query, header, direction, type, protocol, label, kind, pointer, equals, exists, matches, contains, regex, size, every, first, elapsed, probability)
            bad duration     | rules:\\n  - name: f\\n    delay: soon\\n                                       | bad.yaml:3: rule 'f': 'soon' is not a duration (1500ms, 1.5s, 2m; a bare number is milliseconds)
            no action        | rules:\\n  - name: g\\n    match: { direction: server }\\n                           | bad.yaml:2: rule 'g': the rule does nothing: give it an action (delay, drop, duplicate, set, remove, replace, template, file, answer, inject, refragment, close, abort, stall, throttle, suppress, after)
            no name          | rules:\\n  - match: { direction: server }\\n    drop: true\\n                       | bad.yaml:2: a rule has a name ('name: slow-login')
            same name twice  | rules:\\n  - name: h\\n    drop: true\\n  - name: h\\n    drop: true\\n          | bad.yaml:4: rule 'h': a second rule with this name (names are unique: counters and switches go by them)
            close 1006       | rules:\\n  - name: i\\n    after: { close: 1006 }\\n                               | bad.yaml:3: rule 'i': close code 1006 cannot be sent (1000-4999, not 1004, 1005, 1006 or 1015; abort gives 1006)
            not YAML         | rules:\\n  - name: [x\\n                                                         | bad.yaml:2: not YAML: while parsing a flow sequence
            """)
    void badFilesAreRefusedWithFileLineRuleAndReason(String what, String text, String message) {
        assertThatThrownBy(() -> load(text.replace("\\n", "\n"), "bad.yaml"))
                .isInstanceOf(RuleFileException.class)
                .satisfies(e -> assertThat(e.getMessage().lines().findFirst().orElseThrow()).isEqualTo(message));
    }
}
