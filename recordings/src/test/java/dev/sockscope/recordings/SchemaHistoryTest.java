package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reader skips Flyway only for a folder whose schema history is exactly this version's. */
class SchemaHistoryTest {
    @TempDir
    Path dir;

    @Test
    void theVersionIsTheHighestMigration() throws Exception {
        Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
        int highest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            highest = files.map(p -> name.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(SchemaHistory.VERSION).as("SchemaHistory.VERSION after adding a migration").isEqualTo(highest);
    }

    private static boolean current(Path folder) {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + folder.resolve("sockscope") + ";ACCESS_MODE_DATA=r", "sa", "");
        try {
            return SchemaHistory.isCurrent(pool);
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aFolderAtThisSchemaIsCurrentAndAnOldOneIsNot() throws Exception {
        Path fresh = dir.resolve("fresh");
        H2RecordingStore.open(fresh).close();
        assertThat(current(fresh)).isTrue();

        Path old = Files.createDirectories(dir.resolve("v1"));
        Files.copy(Path.of("src/test/resources/fixtures/v1/sockscope.mv.db"), old.resolve("sockscope.mv.db"));
        assertThat(current(old)).as("a folder of the first version, before it is upgraded").isFalse();
        try (H2RecordingStore reader = H2RecordingStore.openReader(old)) {
            assertThat(reader.sessions(10)).as("upgraded by Flyway, then read").isNotEmpty();
        }
        assertThat(current(old)).as("once upgraded").isTrue();
    }
}
