package dev.sockscope.proxy.jetty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Request;

import dev.sockscope.proxy.ForwardProxy;

/**
 * Marks a request the forward proxy sends on with {@link ForwardProxy#FORWARDED_HEADER} when it goes to this machine:
 * its target names loopback, or the connection it is about to be sent on ends at a loopback address (a name that
 * resolves there). Checked when the request begins, the last moment its headers can change.
 */
final class ForwardedMark {
    private ForwardedMark() {
    }

    static void onLocalTarget(Request request) {
        if (ForwardProxy.isLoopbackName(request.getHost())) {
            request.headers(h -> h.put(ForwardProxy.FORWARDED_HEADER, "1"));
            return;
        }
        request.onRequestBegin(begun -> {
            Connection connection = begun.getConnection();
            SocketAddress remote = connection == null ? null : connection.getRemoteSocketAddress();
            if (remote instanceof InetSocketAddress inet && endsHere(inet)) {
                begun.headers(h -> h.put(ForwardProxy.FORWARDED_HEADER, "1"));
            }
        });
    }

    /** Whether a connection to {@code address} ends on this machine (loopback, or the any-address). */
    static boolean endsHere(InetSocketAddress address) {
        return address.getAddress() != null && (address.getAddress().isLoopbackAddress() || address.getAddress().isAnyLocalAddress());
    }
}
