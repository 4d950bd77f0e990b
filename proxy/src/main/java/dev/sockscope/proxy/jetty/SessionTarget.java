package dev.sockscope.proxy.jetty;

import java.net.URI;

import dev.sockscope.proxy.Route;

/** What a session records as its listen address and upstream, and where its upgrade is dialled. */
record SessionTarget(Route route, String listen, boolean forwarded) {
    static SessionTarget of(Route route) {
        return new SessionTarget(route, route.listen(), false);
    }

    URI dial(String path, String query) {
        return route.upstreamFor(path, query);
    }

    /**
     * A route's session records the route's upstream; a forwarded one the whole URL it dialled, the only thing
     * known of it ({@code dialled} null: none could be made of the request target).
     */
    String upstream(URI dialled) {
        return forwarded && dialled != null ? dialled.toString() : route.upstream().toString();
    }
}
