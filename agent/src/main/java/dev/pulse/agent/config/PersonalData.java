package dev.pulse.agent.config;

import java.util.Locale;
import java.util.Set;

/**
 * Label names whose values are likely to be personal data or secrets. A metrics endpoint is read
 * by more people and kept longer than the data it summarizes, so such a label is refused rather
 * than exported. A name is refused when one of its {@code _}-separated words is in the list
 * ({@code user_email}, {@code session_id}), or when it starts with one ({@code emailaddress}).
 */
public final class PersonalData {

    static final Set<String> WORDS = Set.of("email", "mail", "user", "username", "userid", "login", "token",
            "password", "passwd", "pwd", "secret", "session", "sessionid", "cookie", "ssn", "phone", "address",
            "ip", "credential", "credentials", "apikey", "iban", "firstname", "lastname", "fullname", "birthdate",
            "dob");
    private static final Set<String> PREFIXES = Set.of("email", "user", "token", "password", "session", "phone");

    private PersonalData() {
    }

    /** The word that makes {@code labelName} look like personal data, or null when none does. */
    public static String wordIn(String labelName) {
        String lower = labelName.toLowerCase(Locale.ROOT);
        for (String word : lower.split("_")) {
            if (WORDS.contains(word)) {
                return word;
            }
            for (String prefix : PREFIXES) {
                if (word.startsWith(prefix)) {
                    return prefix;
                }
            }
        }
        return null;
    }
}
