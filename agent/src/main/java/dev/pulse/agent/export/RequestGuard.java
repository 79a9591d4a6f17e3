package dev.pulse.agent.export;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.pulse.agent.config.PasswordHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs before every handler of the endpoint: refuses requests the exporter would answer with a
 * stack trace (a malformed %-escape in the query), that cost more than a scrape should (too many
 * query parameters, a body), or that are not HTTP/1.x GET or HEAD, then checks Basic credentials when {@code pulse.http.auth.*} is set.
 * {@code /-/healthy} stays open, so a liveness probe needs no secret; it tells only that the
 * agent runs.
 */
final class RequestGuard extends Authenticator {

    static final int MAX_QUERY_PARAMETERS = 200;
    static final String HEALTH_PATH = "/-/healthy";
    private static final String REALM = "pulse";
    private static final String BASIC = "Basic ";
    private static final int BAD_REQUEST = 400;
    private static final int UNAUTHORIZED = 401;
    private static final int METHOD_NOT_ALLOWED = 405;

    private final String user;
    private final byte[] userDigest;
    private final PasswordHash passwordHash;
    /** Digest of the last Authorization header that verified, so PBKDF2 runs once per credential. */
    private final AtomicReference<byte[]> verified = new AtomicReference<>(new byte[0]);

    /** {@code user} null: no authentication, only the request checks. */
    RequestGuard(String user, PasswordHash passwordHash) {
        this.user = user;
        this.userDigest = user == null ? null : PasswordHash.digest(user);
        this.passwordHash = passwordHash;
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String protocol = exchange.getProtocol();
        if (!"HTTP/1.1".equals(protocol) && !"HTTP/1.0".equals(protocol)
                || !wellFormedQuery(exchange.getRequestURI().getRawQuery())) {
            return new Failure(BAD_REQUEST);
        }
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            // A scrape is a GET; nothing else is read, and a request body is never buffered.
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            return new Failure(METHOD_NOT_ALLOWED);
        }
        if (user == null) {
            return new Success(new HttpPrincipal("", REALM));
        }
        if (HEALTH_PATH.equals(exchange.getRequestURI().getPath())) {
            return new Success(new HttpPrincipal("", REALM));
        }
        List<String> headers = exchange.getRequestHeaders().get("Authorization");
        if (headers != null && headers.size() == 1 && verify(headers.get(0))) {
            return new Success(new HttpPrincipal(user, REALM));
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        return new Retry(UNAUTHORIZED);
    }

    private boolean verify(String header) {
        if (!header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return false;
        }
        byte[] presented = PasswordHash.digest(header);
        if (MessageDigest.isEqual(presented, verified.get())) {
            return true;
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // Both halves are always checked, each in constant time, so timing tells nothing about either.
        boolean userMatches = MessageDigest.isEqual(userDigest, PasswordHash.digest(credentials.substring(0, colon)));
        boolean passwordMatches = slowCheck(credentials.substring(colon + 1).toCharArray());
        if (userMatches && passwordMatches) {
            verified.set(presented);
            return true;
        }
        return false;
    }

    /** One PBKDF2 at a time: a flood of wrong passwords costs the host one core at most. */
    private synchronized boolean slowCheck(char[] password) {
        return passwordHash.matches(password);
    }

    /** Every %-escape has two hex digits, and there are not too many parameters. */
    static boolean wellFormedQuery(String query) {
        if (query == null) {
            return true;
        }
        int parameters = 1;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '&' && ++parameters > MAX_QUERY_PARAMETERS) {
                return false;
            }
            if (c == '%') {
                if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                        || Character.digit(query.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }
}
