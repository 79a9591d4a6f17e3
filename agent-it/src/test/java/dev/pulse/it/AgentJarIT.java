package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** The built jar: its own package and META-INF only at the root, everything else relocated under it. */
class AgentJarIT {

    @Test
    void rootHoldsOnlyTheAgentPackageAndMetaInf() throws Exception {
        Set<String> roots = new TreeSet<>();
        Set<String> foreignClasses = new TreeSet<>();
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                roots.add(name.contains("/") ? name.substring(0, name.indexOf('/') + 1) : name);
                if (name.endsWith(".class") && !name.startsWith("dev/pulse/agent/")) {
                    foreignClasses.add(name);
                }
            }
        }
        assertEquals(Set.of("META-INF/", "dev/"), roots);
        assertTrue(foreignClasses.isEmpty(), foreignClasses::toString);
    }

    @Test
    void manifestNamesTheEntryPoints() throws Exception {
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            Manifest manifest = jar.getManifest();
            assertEquals("dev.pulse.agent.AgentMain", manifest.getMainAttributes().getValue("Premain-Class"));
            assertEquals("dev.pulse.agent.AgentMain", manifest.getMainAttributes().getValue("Agent-Class"));
            assertEquals("true", manifest.getMainAttributes().getValue("Can-Retransform-Classes"));
        }
    }
}
