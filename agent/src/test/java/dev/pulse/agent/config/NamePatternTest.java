package dev.pulse.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamePatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "com.acme.Worker, com.acme.Worker, true",
        "com.acme.Worker, com.acme.Worker2, false",
        "com.acme.*Worker, com.acme.JobWorker, true",
        "com.acme.*Worker, com.acme.Worker, true",
        "com.acme.*Worker, com.acme.sub.JobWorker, false",
        "com.acme.*, com.acme.Anything, true",
        "com.*.Worker, com.acme.Worker, true",
        "com.acme.Job$Inner, com.acme.Job$Inner, true",
        "process*, processBatch, true",
        "process*, reprocess, false",
        "*Once, dispatchOnce, true",
    })
    void wildcardsStayWithinOneSegment(String pattern, String name, boolean matches) {
        assertEquals(matches, NamePattern.of(pattern).matches(name));
    }

    @ParameterizedTest(name = "method {0} ~ {1} = {2}")
    @CsvSource({
        "audit, audit, true",
        "audit, audit$shop_core, true",
        "audit, audit$it_apps, true",
        "audit, auditor, false",
        "audit, audit$default, false",
        "audit, audit$suspendImpl, false",
        "audit, audit$lambda$0, false",
        "audit, access$audit, false",
        "process*, processBatch$shop, true",
    })
    void aMethodPatternAlsoMatchesKotlinsMangledInternalName(String pattern, String name, boolean matches) {
        assertEquals(matches, java.util.regex.Pattern.matches(NamePattern.of(pattern).methodRegex(), name));
    }
}
