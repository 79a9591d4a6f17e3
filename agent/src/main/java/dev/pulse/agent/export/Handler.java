package dev.pulse.agent.export;

/**
 * Answers the requests of one path. Called on the endpoint's selector thread, which serves every
 * connection: a handler answers at once only when that costs next to nothing ({@code /-/healthy});
 * anything else it hands to a bounded worker (see {@link Worker}) and answers from there.
 */
interface Handler {

    /**
     * @param request a checked request (well-formed, GET or HEAD, authenticated where required)
     * @param reply   takes the response exactly once, from any thread; the server drops the body of
     *                a HEAD request itself, so a handler answers HEAD as it answers GET
     */
    void handle(HttpRequest request, Reply reply);

    /** Where a handler's response goes. */
    interface Reply {
        void send(HttpResponse response);
    }
}
