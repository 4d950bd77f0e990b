package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLocationTest {
    @TempDir
    Path dir;

    @Test
    void aPathIsAFolder() {
        assertThat(StoreLocation.parse("/tmp/recordings", Map.of())).isEqualTo(new StoreLocation.Folder(Path.of("/tmp/recordings")));
        assertThat(StoreLocation.parse("postgresql-notes", Map.of())).isInstanceOf(StoreLocation.Folder.class);
    }

    @Test
    void aPostgresqlUrlIsATeamStoreWithThePasswordFromTheEnvironment() {
        assertThat(StoreLocation.parse("postgresql://qa@db.internal:5433/sockscope?sslmode=require", Map.of("PGPASSWORD", "s3cret")))
                .isEqualTo(new StoreLocation.Postgres("jdbc:postgresql://db.internal:5433/sockscope?sslmode=require", "qa", "s3cret"));
        assertThat(StoreLocation.parse("jdbc:postgresql://db/sockscope", Map.of("PGUSER", "bot")))
                .isEqualTo(new StoreLocation.Postgres("jdbc:postgresql://db/sockscope", "bot", null));
    }

    @Test
    void thePasswordFileWinsOverPgpassword() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\nignored\n");
        StoreLocation.Postgres pg = (StoreLocation.Postgres) StoreLocation.parse("postgresql://u@db/s",
                Map.of("PGPASSWORD", "from-env", StoreLocation.PASSWORD_FILE_VARIABLE, file.toString()));
        assertThat(pg.password()).isEqualTo("from-file");
        assertThat(pg.toString()).isEqualTo("postgresql://u@db/s").doesNotContain("from-file");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() {
        assertThatThrownBy(() -> StoreLocation.parse("postgresql://u:hunter2@db/s", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PGPASSWORD");
        assertThatThrownBy(() -> StoreLocation.parse("postgresql://db", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database");
    }
}
