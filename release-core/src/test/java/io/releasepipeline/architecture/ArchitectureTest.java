package io.releasepipeline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * release-core's package structure: no package depends, directly or through others, on a package that depends on
 * it; the engine ({@code internal}) sits behind the public packages. A new dependency that closes a cycle fails here
 * with the classes that cause it.
 */
class ArchitectureTest {

    /** Every package its own slice: the API root, {@code evidence} and {@code evidence.file} are three. */
    private static final SliceAssignment EACH_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return SliceIdentifier.of(javaClass.getPackageName());
        }

        @Override
        public String getDescription() {
            return "each package";
        }
    };

    private static final ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles();

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.releasepipeline");
    }

    @Test
    void releaseCoreHasNoPackageCycles() {
        NO_PACKAGE_CYCLES.check(core);
    }

    @Test
    void noPublicPackageDependsOnTheEngine() {
        noClasses().that().resideOutsideOfPackage("io.releasepipeline.internal..")
                .should().dependOnClassesThat().resideInAPackage("io.releasepipeline.internal..")
                .because("the engine is reached only through the public API (EngineProvider, found by ServiceLoader)")
                .check(core);
    }

    @Test
    void theRulesSeeReleaseCoreAndFindACycle() {
        // Guards the rules against passing vacuously: they see every package, and the cycle rule does find a cycle.
        assertThat(core.containPackage("io.releasepipeline.internal")).isTrue();
        assertThat(core.containPackage("io.releasepipeline")).isTrue();
        assertThat(core.stream().map(JavaClass::getPackageName).distinct().count()).isGreaterThanOrEqualTo(14);
        JavaClasses cyclic = new ClassFileImporter().importPackages("io.releasepipeline.architecture.cycle");
        assertThat(NO_PACKAGE_CYCLES.evaluate(cyclic).hasViolation()).isTrue();
    }
}
