package dev.pulse.agent.export;

import dev.pulse.agent.config.PasswordHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs before every handler of the endpoint: refuses requests a handler should never see (a
 * malformed %-escape in the query, too many query parameters, a body, a method other than GET or
 * HEAD), then checks Basic credentials when {@code pulse.http.auth.*} is set. {@code /-/healthy}
 * stays open, so a liveness probe needs no secret; it tells only that the agent runs.
 *
 * <p>The cheap checks run on the selector thread; {@link #verify} may run PBKDF2 (hundreds of
 * milliseconds) and belongs on a worker.
 */
final class RequestGuard {

    static final int MAX_QUERY_PARAMETERS = 200;
    static final String HEALTH_PATH = "/-/healthy";
    private static final String REALM = "pulse";
    private static final String BASIC = "Basic ";

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

    /** The response refusing {@code request} before any credential is looked at, or null when it may go on. */
    HttpResponse refusal(HttpRequest request) {
        String method = request.method();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            // A scrape is a GET; nothing else is read, and a request body is never buffered.
            return HttpResponse.builder(405).header("Allow", "GET, HEAD").close(true).build();
        }
        if (request.hasBody() || !wellFormedQuery(request.rawQuery())) {
            return HttpResponse.text(400, "bad request\n", true);
        }
        return null;
    }

    /** Whether {@code request} may go on without a credential check, or with one already verified. */
    boolean admittedWithoutPbkdf2(HttpRequest request) {
        if (user == null || HEALTH_PATH.equals(request.path())) {
            return true;
        }
        String header = authorization(request);
        return header != null && MessageDigest.isEqual(PasswordHash.digest(header), verified.get());
    }

    /** Whether the request carries Basic credentials at all; without them it gets the 401 at once. */
    boolean presentsCredentials(HttpRequest request) {
        String header = authorization(request);
        return header != null && header.regionMatches(true, 0, BASIC, 0, BASIC.length());
    }

    /** Checks the request's Basic credentials, running PBKDF2 when they are new: slow, off the selector. */
    boolean verify(HttpRequest request) {
        String header = authorization(request);
        return header != null && verify(header);
    }

    /** The 401 that asks for credentials. */
    static HttpResponse challenge() {
        return HttpResponse.builder(401)
                .header("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"")
                .header("Content-Type", "text/plain; charset=utf-8")
                .body("credentials required\n".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static String authorization(HttpRequest request) {
        List<String> headers = request.headers("Authorization");
        return headers.size() == 1 ? headers.get(0) : null;
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
