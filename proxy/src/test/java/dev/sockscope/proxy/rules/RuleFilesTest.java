package dev.sockscope.proxy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.proxy.intercept.MessageLabels;

class RuleFilesTest {
    @TempDir
    Path dir;

    private static void write(Path f, String text, int secondsLater) throws Exception {
        Files.writeString(f, text);
        // A later modification time whatever the file system's resolution, so that the change is seen.
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }

    @Test
    void aChangedFileIsReloadedAndABadOneKeepsTheLastGoodRulesAndSaysSo() throws Exception {
        Path f = dir.resolve("rules.yaml");
        write(f, RuleLoaderTest.ISSUE_FIRST, 0);
        RuleEngine engine = new RuleEngine(1, MessageLabels.NONE);
        try (RuleFiles files = RuleFiles.load(List.of(f), engine)) {
            List<String> said = new CopyOnWriteArrayList<>();
            files.reportTo(said::add);
            assertThat(engine.rules()).extracting(Rule::name).containsExactly("slow-login", "lossy-push");
            assertThat(files.reloadIfChanged()).as("nothing changed").isFalse();

            write(f, RuleLoaderTest.ISSUE_SECOND, 5);
            assertThat(files.reloadIfChanged()).isTrue();
            assertThat(engine.rules()).extracting(Rule::name).containsExactly("kill-after-history", "rename");
            assertThat(files.lastError()).isNull();

            write(f, "rules:\n  - name: x\n    probability: 3\n    drop: true\n", 10);
            assertThat(files.reloadIfChanged()).isTrue();
            assertThat(engine.rules()).extracting(Rule::name).containsExactly("kill-after-history", "rename");
            assertThat(files.lastError()).isEqualTo(f + ":3: rule 'x': probability 3 is not between 0 and 1");
            assertThat(said).last().asString().startsWith("sockscope: rules NOT reloaded, the previous rules still run: " + f + ":3:");
        }
    }

    @Test
    void theWatcherSeesASavedEdit() throws Exception {
        Path f = dir.resolve("rules.yaml");
        write(f, RuleLoaderTest.ISSUE_FIRST, 0);
        RuleEngine engine = new RuleEngine(1, MessageLabels.NONE);
        try (RuleFiles files = RuleFiles.load(List.of(f), engine)) {
            files.watch();
            write(f, RuleLoaderTest.ISSUE_SECOND, 5);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(engine.rules()).extracting(Rule::name).containsExactly("kill-after-history", "rename"));
        }
    }

    @Test
    void anEditIsCheckedThenWrittenToTheFile() throws Exception {
        Path f = dir.resolve("rules.yaml");
        write(f, RuleLoaderTest.ISSUE_FIRST, 0);
        RuleEngine engine = new RuleEngine(1, MessageLabels.NONE);
        try (RuleFiles files = RuleFiles.load(List.of(f), engine)) {
            assertThatThrownBy(() -> files.replaceText("rules:\n  - name: y\n    explode: 1\n"))
                    .hasMessageStartingWith(f + ":3: rule 'y': unknown action 'explode'");
            assertThat(Files.readString(f)).isEqualTo(RuleLoaderTest.ISSUE_FIRST);
            files.replaceText(RuleLoaderTest.ISSUE_SECOND);
            assertThat(Files.readString(f)).isEqualTo(RuleLoaderTest.ISSUE_SECOND);
            assertThat(engine.rules()).extracting(Rule::name).containsExactly("kill-after-history", "rename");
            assertThat(files.reloadIfChanged()).as("its own write is not a change").isFalse();
        }
    }

    @Test
    void withoutFilesTheFirstEditAttachesTheEngineOnceAndIsKeptInMemory() throws Exception {
        RuleEngine engine = new RuleEngine(1, MessageLabels.NONE);
        try (RuleFiles files = RuleFiles.load(List.of(), engine)) {
            java.util.concurrent.atomic.AtomicInteger attached = new java.util.concurrent.atomic.AtomicInteger();
            files.beforeFirstEdit(attached::incrementAndGet);
            assertThat(engine.active()).isFalse();
            assertThatThrownBy(() -> files.replaceText("rules:\n  - name: y\n    explode: 1\n")).hasMessageStartingWith("rules.yaml:3:");
            assertThat(attached).as("a refused edit attaches nothing").hasValue(0);
            files.replaceText(RuleLoaderTest.ISSUE_FIRST);
            files.replaceText(RuleLoaderTest.ISSUE_SECOND);
            assertThat(attached).hasValue(1);
            assertThat(engine.rules()).extracting(Rule::name).containsExactly("kill-after-history", "rename");
            assertThat(engine.active()).isTrue();
        }
    }

    @Test
    void aBadFileAtStartIsRefused() throws Exception {
        Path f = dir.resolve("bad.yaml");
        write(f, "rules:\n  - name: b\n    match: { pointer: opcode }\n    drop: true\n", 0);
        assertThatThrownBy(() -> RuleFiles.load(List.of(f), new RuleEngine(1, MessageLabels.NONE)))
                .isInstanceOf(RuleFileException.class)
                .hasMessage(f + ":3: rule 'b': 'opcode' is not a JSON pointer (it starts with '/', e.g. /opcode)");
    }
}
