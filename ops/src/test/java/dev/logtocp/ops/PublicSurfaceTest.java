package dev.logtocp.ops;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.logtocp.ops.cli.OpsCli;
import dev.logtocp.processor.CommandProcessor;
import dev.logtocp.processor.Main;
import org.junit.jupiter.api.Test;

/**
 * ops (main code) uses only processor's public surface: CommandProcessor, Main and the packages config, deadletter
 * and metrics. The same surface is stated for the sources in config/checkstyle/import-control.xml; this checks
 * the compiled classes, so an inline qualified name cannot get round it. (Constants the compiler inlines leave no
 * trace in class files; import control covers those.)
 */
class PublicSurfaceTest {

    static final DescribedPredicate<JavaClass> PROCESSOR_INTERNALS = resideInAPackage("dev.logtocp.processor..")
            .and(not(resideInAnyPackage(
                    "dev.logtocp.processor.config..",
                    "dev.logtocp.processor.deadletter..",
                    "dev.logtocp.processor.metrics..")))
            .and(not(type(CommandProcessor.class)))
            .and(not(type(Main.class)))
            .as("are processor internals (anything but CommandProcessor, Main, config, deadletter, metrics)");

    @Test
    void opsUsesOnlyTheProcessorsPublicSurface() {
        noClasses()
                .should()
                .dependOnClassesThat(PROCESSOR_INTERNALS)
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importUrl(OpsCli.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()));
    }
}
