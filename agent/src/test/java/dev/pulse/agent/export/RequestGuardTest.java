package dev.pulse.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestGuardTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null|true",
        "name[]=pulse_agent_info|true",
        "name[]=a%5Fb|true",
        "name[]=%zz|false",
        "name[]=%4|false",
        "name[]=abc%|false",
        "debug=text&name[]=x|true",
    })
    void queriesWithBadEscapesAreRefused(String query, boolean accepted) {
        assertEquals(accepted, RequestGuard.wellFormedQuery(query));
    }

    @org.junit.jupiter.api.Test
    void tooManyParametersAreRefused() {
        String allowed = "name[]=x" + "&name[]=x".repeat(RequestGuard.MAX_QUERY_PARAMETERS - 1);
        assertEquals(true, RequestGuard.wellFormedQuery(allowed));
        assertEquals(false, RequestGuard.wellFormedQuery(allowed + "&name[]=x"));
    }
}
