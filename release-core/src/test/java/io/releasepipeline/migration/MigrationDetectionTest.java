package io.releasepipeline.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.evidence.MigrationVerdict;
import io.releasepipeline.spi.ChangedFiles;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MigrationDetectionTest {

    private static final MigrationDetection DETECTION = MigrationDetection.paths("backend/**/migrations/**",
            "!backend/**/migrations/README.md").orLabels("db-migration");

    @Test
    @DisplayName("a changed file under the migration paths makes a migration release, naming the file and its pattern")
    void files() {
        MigrationVerdict v = DETECTION.judge(false, List.of(), Optional.of(ChangedFiles.of("backend/app/quotes.py",
                "backend/migrations/0001.sql", "backend/app/db/migrations/0042.sql",
                "backend/app/db/migrations/README.md", "frontend/migrations/x.sql")), true);
        assertThat(v.migration()).isTrue();
        assertThat(v.declared()).isFalse();
        assertThat(v.files()).containsExactly("backend/migrations/0001.sql (backend/**/migrations/**)",
                "backend/app/db/migrations/0042.sql (backend/**/migrations/**)");
        assertThat(v.reason()).startsWith("database migration: 2 changed files match the migration paths");
        assertThat(v.rollForwardOnly()).isFalse();
        assertThat(DETECTION.judge(false, List.of(), Optional.of(ChangedFiles.of("backend/migrations/0001.sql")),
                true).reason()).startsWith("database migration: 1 changed file matches the migration paths");
    }

    @Test
    @DisplayName("labels match case-insensitively; a declaration counts on its own")
    void labelsAndDeclared() {
        assertThat(DETECTION.judge(false, List.of("bug", "DB-Migration"), Optional.of(ChangedFiles.of("a.py")), false)
                .labels()).containsExactly("DB-Migration");
        MigrationVerdict declared = MigrationDetection.declaredOnly().judge(true, List.of(), Optional.empty(), false);
        assertThat(declared.migration()).isTrue();
        assertThat(declared.reason()).isEqualTo("database migration: declared by the caller (withDatabaseMigration)");
    }

    @Test
    @DisplayName("roll-forward-only applies only to a migration release without a migration-rollback hook")
    void policy() {
        MigrationDetection strict = DETECTION.withoutRollbackHook(
                MigrationDetection.WithoutRollbackHook.ROLL_FORWARD_ONLY);
        List<String> labels = List.of("db-migration");
        assertThat(strict.judge(false, labels, Optional.of(ChangedFiles.of()), false).rollForwardOnly()).isTrue();
        assertThat(strict.judge(false, labels, Optional.of(ChangedFiles.of()), true).rollForwardOnly()).isFalse();
        assertThat(strict.judge(false, List.of(), Optional.of(ChangedFiles.of()), false).rollForwardOnly()).isFalse();
    }

    @Test
    @DisplayName("a change listed only in part is not judged a migration, and the reason says it could not be ruled out")
    void partial() {
        MigrationVerdict v = DETECTION.judge(false, List.of(), Optional.of(ChangedFiles.partial(List.of("a.py"))),
                false);
        assertThat(v.migration()).isFalse();
        assertThat(v.reason()).contains("could not be ruled out");
    }

    @Test
    @DisplayName("invalid patterns and blank labels are problems, prefixed with the key")
    void problems() {
        assertThat(MigrationDetection.paths("db/[").orLabels(" ").problems("migrations")).containsExactly(
                "migrations.paths: pattern 'db/[': '[' at 3 is never closed with ']'",
                "migrations.labels: an empty label; give a pull-request label such as 'db-migration'");
        assertThat(DETECTION.problems("migrations")).isEmpty();
    }
}
