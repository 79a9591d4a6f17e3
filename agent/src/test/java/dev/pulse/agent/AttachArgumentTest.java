package dev.pulse.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class AttachArgumentTest {

    @Test
    void carriesOnlyThePulsePropertiesOfTheAttachCommand() throws Exception {
        Properties system = new Properties();
        system.setProperty("pulse.test.attach_argument", "a value = with, signs");
        system.setProperty("user.home", "/home/someone");
        String argument = AttachArgument.pack("/etc/pulse/pulse.properties", system);
        assertEquals("/etc/pulse/pulse.properties", AttachArgument.file(argument));
        try {
            AttachArgument.applyProperties(argument);
            assertEquals("a value = with, signs", System.getProperty("pulse.test.attach_argument"));
        } finally {
            System.clearProperty("pulse.test.attach_argument");
        }
    }

    @Test
    void withoutPulsePropertiesTheArgumentIsTheFileAlone() throws Exception {
        assertEquals("", AttachArgument.pack("", new Properties()));
        assertEquals("/etc/pulse.properties", AttachArgument.file("/etc/pulse.properties"));
        assertNull(AttachArgument.file(null));
        AttachArgument.applyProperties("/etc/pulse.properties");
        AttachArgument.applyProperties(null);
    }
}
