package dev.logtocp.processor.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The shipped logback.xml writes one JSON object per line with the structured key-values. */
class JsonLogFormatTest {

    @Test
    void productionLogsAreJsonLinesCarryingKeyValues() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(getClass().getResource("/logback.xml"));
            Logger logger = context.getLogger("dev.logtocp.processor.kafka.CommandLoop");
            logger.atInfo()
                    .addKeyValue("commandId", "c-1")
                    .addKeyValue("partition", 3)
                    .log("command finished");
        } finally {
            context.stop();
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        String line = output.lines()
                .filter(l -> l.startsWith("{"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSON line in: " + output));
        JsonObject json = new JsonObject(line);
        assertThat(json.getString("level")).isEqualTo("INFO");
        assertThat(json.getString("formattedMessage")).isEqualTo("command finished");
        assertThat(json.encode()).contains("\"commandId\":\"c-1\"").contains("\"partition\":\"3\"");
    }
}
