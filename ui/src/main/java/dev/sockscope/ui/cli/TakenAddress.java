package dev.sockscope.ui.cli;

import java.io.IOException;
import java.net.BindException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listen address that another program holds (a running demo or proxy, most often), told as the option that
 * chooses another: {@code cannot listen on 127.0.0.1:9444 (Address already in use); choose another with --route …}.
 */
final class TakenAddress {
    /** How Jetty names the address it could not bind: {@code Failed to bind to /127.0.0.1:9444}. */
    private static final Pattern JETTY = Pattern.compile("Failed to bind to \\S*?/?([^/\\s]+:\\d+)");
    private static final Pattern PORT = Pattern.compile(":(\\d+)$");

    private TakenAddress() {
    }

    /**
     * The same failure named by the option to change, when {@code e} is a taken address; otherwise {@code e} itself.
     *
     * @param advice from the address that is taken ({@code 127.0.0.1:9444}, or null when unknown), what to do instead
     */
    static IOException explain(IOException e, Function<String, String> advice) {
        Optional<BindException> bind = cause(e);
        if (bind.isEmpty()) {
            return e;
        }
        String address = address(e);
        return new IOException("cannot listen on " + (address == null ? "one of its addresses" : address) + " ("
                + bind.get().getMessage() + ": another program holds it, perhaps a running demo or proxy); "
                + advice.apply(address), e);
    }

    /** The port of an address such as {@code 127.0.0.1:9444}, or -1. */
    static int port(String address) {
        Matcher m = address == null ? null : PORT.matcher(address);
        return m != null && m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Optional<BindException> cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private static String address(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : JETTY.matcher(t.getMessage());
            if (m != null && m.find()) {
                return m.group(1);
            }
        }
        return null;
    }
}
