package dev.pulse.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/**
 * {@code pulse.http.tls.*}: the endpoint serves HTTPS with the key in a keystore. The keystore is
 * opened while the configuration is read, so a wrong path, type or password is a configuration
 * error naming the key, and the agent installs nothing.
 */
public final class TlsConfig {

    static final String DEFAULT_TYPE = "PKCS12";

    private final KeyStore keyStore;
    private final char[] password;

    private TlsConfig(KeyStore keyStore, char[] password) {
        this.keyStore = keyStore;
        this.password = password;
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    /** The keystore's password, also the key's password. */
    public char[] password() {
        return password.clone();
    }

    static TlsConfig load(Setting path, Setting password, Setting type) throws ConfigException {
        char[] secret = password == null ? new char[0] : password.value().toCharArray();
        String typeName = type == null || type.value().isEmpty() ? DEFAULT_TYPE : type.value();
        KeyStore store;
        try {
            store = KeyStore.getInstance(typeName);
        } catch (GeneralSecurityException e) {
            throw ConfigException.expected(type, "a keystore type this JDK knows, such as PKCS12 or JKS");
        }
        Path file = Paths.get(path.value());
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, secret);
        } catch (NoSuchFileException e) {
            throw ConfigException.expected(path, "a readable keystore file, but there is no such file");
        } catch (IOException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.security.UnrecoverableKeyException || password != null
                    && String.valueOf(e.getMessage()).contains("password")) {
                throw new ConfigException(origin(password, path) + ": " + PulseConfig.HTTP_TLS_KEYSTORE_PASSWORD
                        + ": expected the password of " + path.value() + ", but it does not open it");
            }
            throw ConfigException.expected(path, "a readable " + typeName + " keystore (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw ConfigException.expected(path, "a readable " + typeName + " keystore (" + e.getMessage() + ")");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return new TlsConfig(store, secret);
                }
            }
        } catch (GeneralSecurityException e) {
            // reported below
        }
        throw ConfigException.expected(path, "a keystore holding a private key and its certificate");
    }

    private static String origin(Setting password, Setting path) {
        return (password != null ? password : path).origin();
    }
}
