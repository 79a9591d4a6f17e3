package dev.pulse.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pulse.http.auth.*, pulse.http.tls.*, pulse.metrics.max_series: what is accepted, and the one line for what is not. */
class EndpointSecurityConfigTest {

    private static final String HASH = PasswordHash.of("s3cret".toCharArray()).toString();

    @Test
    void aHashVerifiesItsPasswordOnly() {
        PasswordHash hash = PasswordHash.parse(HASH);
        assertTrue(hash.matches("s3cret".toCharArray()));
        assertFalse(hash.matches("s3cret ".toCharArray()));
        assertFalse(hash.matches(new char[0]));
        assertTrue(HASH.startsWith("pbkdf2_sha256$600000$"), HASH);
        assertFalse(HASH.equals(PasswordHash.of("s3cret".toCharArray()).toString()), "each hash has its own salt");
    }

    @Test
    void userAndHashComeFromTheFileOrTheEnvironment() throws Exception {
        PulseConfig config = load("pulse.http.auth.user=prometheus\npulse.http.auth.password_hash=" + HASH + "\n",
                Map.of());
        assertEquals("prometheus", config.authUser());
        assertEquals(HASH, config.authPasswordHash().toString());
        PulseConfig fromEnvironment = load("", Map.of("PULSE_HTTP_AUTH_USER", "scraper",
                "PULSE_HTTP_AUTH_PASSWORD_HASH", HASH, "PULSE_METRICS_MAX_SERIES", "50"));
        assertEquals("scraper", fromEnvironment.authUser());
        assertEquals(50, fromEnvironment.maxSeries());
    }

    @Test
    void defaultsAreOpenPlainHttpAnd2000Series() throws Exception {
        PulseConfig config = load("", Map.of());
        assertNull(config.authUser());
        assertNull(config.tls());
        assertEquals(2000, config.maxSeries());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pulse.http.auth.user=prometheus|:1: pulse.http.auth.password_hash: expected pbkdf2_sha256$<iterations>$<salt>"
            + "$<hash>, as printed by java -jar pulse-agent.jar hash-password beside pulse.http.auth.user, found none",
        "pulse.http.auth.password_hash=pbkdf2_sha256$1$AA$BB|:1: pulse.http.auth.user: expected a user name beside"
            + " pulse.http.auth.password_hash, found none",
        "pulse.http.auth.user=a~pulse.http.auth.password_hash=plain-text|:2: pulse.http.auth.password_hash: expected"
            + " pbkdf2_sha256$<iterations>$<salt>$<hash>, as printed by java -jar pulse-agent.jar hash-password",
        "pulse.http.tls.keystore_password=changeit|:1: pulse.http.tls.keystore: expected a keystore file beside"
            + " pulse.http.tls.keystore_password, found none",
        "pulse.http.tls.keystore=/nonexistent/pulse.p12|:1: pulse.http.tls.keystore: expected a readable keystore"
            + " file, but there is no such file, found \"/nonexistent/pulse.p12\"",
        "pulse.metrics.max_series=0|:1: pulse.metrics.max_series: expected a number of series 1..1000000, found \"0\"",
        "pulse.metrics.max_series=lots|:1: pulse.metrics.max_series: expected a number of series 1..1000000,"
            + " found \"lots\"",
    })
    void badSecuritySettingsAreOneLine(String lines, String expected) throws Exception {
        Path file = write(lines.replace('~', '\n') + "\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> PulseConfig.from(ConfigSources.collect(file.toString(), new Properties(), Map.of()), "svc"));
        assertEquals(file + expected, error.getMessage());
    }

    @Test
    void aFileThatIsNoKeystoreIsNamed() throws Exception {
        Path notAKeystore = write("just text\n");
        Path file = write("pulse.http.tls.keystore=" + notAKeystore + "\npulse.http.tls.keystore_password=x\n");
        ConfigException error = assertThrows(ConfigException.class,
                () -> PulseConfig.from(ConfigSources.collect(file.toString(), new Properties(), Map.of()), "svc"));
        assertTrue(error.getMessage().startsWith(file + ":1: pulse.http.tls.keystore: expected a readable PKCS12"
                + " keystore"), error.getMessage());
        assertFalse(error.getMessage().contains("=x"), "the password is never echoed");
    }

    @Test
    void personalDataWords() {
        assertEquals("email", PersonalData.wordIn("customer_email"));
        assertEquals("session", PersonalData.wordIn("SESSION_ID"));
        assertEquals("username", PersonalData.wordIn("username"));
        assertNull(PersonalData.wordIn("status"));
        assertNull(PersonalData.wordIn("queue_name"));
        assertNull(PersonalData.wordIn("kind"));
    }

    private static PulseConfig load(String text, Map<String, String> environment) throws Exception {
        return PulseConfig.from(ConfigSources.collect(write(text).toString(), new Properties(), environment), "svc");
    }

    private static Path write(String text) throws IOException {
        Path file = Files.createTempFile("pulse", ".properties");
        file.toFile().deleteOnExit();
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
