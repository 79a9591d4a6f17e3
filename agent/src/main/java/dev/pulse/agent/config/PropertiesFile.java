package dev.pulse.agent.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads a properties file keeping the line each key was written on, so errors can point at it.
 * Each logical line (continuations joined) is parsed by {@link Properties} itself, so escapes
 * and separators mean exactly what they mean in any Java properties file.
 */
final class PropertiesFile {

    private PropertiesFile() {
    }

    static List<Setting> read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": cannot read config file: no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": cannot read config file: permission denied");
        } catch (MalformedInputException e) {
            throw new ConfigException(file + ": cannot read config file: not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
        }
        List<Setting> settings = new ArrayList<>();
        int index = 0;
        while (index < lines.size()) {
            int firstLine = index + 1;
            StringBuilder logical = new StringBuilder(lines.get(index++));
            while (endsWithContinuation(logical) && index < lines.size()) {
                logical.append('\n').append(lines.get(index++));
            }
            String text = logical.toString().trim();
            if (text.isEmpty() || text.startsWith("#") || text.startsWith("!")) {
                continue;
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(text));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file + ":" + firstLine + ": malformed line: " + e.getMessage());
            }
            for (String key : one.stringPropertyNames()) {
                settings.add(new Setting(key, one.getProperty(key).trim(), file + ":" + firstLine));
            }
        }
        return settings;
    }

    private static boolean endsWithContinuation(CharSequence line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
