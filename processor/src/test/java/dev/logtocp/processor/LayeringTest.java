package dev.logtocp.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor's packages on the compiled classes: no package cycles, and no package reaches up into the
 * composition root (CommandProcessor, Main). Checkstyle's import control (config/checkstyle/import-control.xml)
 * states the allowed edges on the sources; this catches what import statements do not show (inline qualified
 * names, packages added later and not yet listed there).
 */
class LayeringTest {

    private static JavaClasses processor;

    @BeforeAll
    static void importClasses() {
        // Only processor's own classes directory (scanning the whole class path for the package takes seconds).
        processor = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importUrl(CommandProcessor.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation());
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.logtocp.processor.(*)..")
                .should()
                .beFreeOfCycles()
                .check(processor);
    }

    @Test
    void noPackageDependsOnTheCompositionRoot() {
        noClasses()
                .that()
                .resideInAPackage("dev.logtocp.processor.*..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.logtocp.processor")
                .check(processor);
    }
}
