package dev.sockscope.proxy.jetty;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

import dev.sockscope.wire.Header;

/** The one place headers are copied between Jetty's fields and the wire model, in either direction. */
final class JettyHeaders {
    private JettyHeaders() {
    }

    /** The fields as the wire model's headers, in order; a field without a value has an empty one. */
    static List<Header> of(HttpFields fields) {
        List<Header> out = new ArrayList<>(fields.size());
        for (HttpField f : fields) {
            out.add(new Header(f.getName(), f.getValue() == null ? "" : f.getValue()));
        }
        return out;
    }

    /** Adds each field of {@code from} whose name {@code keep} accepts to {@code to}, in order. */
    static void copy(HttpFields from, HttpFields.Mutable to, Predicate<String> keep) {
        for (HttpField f : from) {
            if (keep.test(f.getName())) {
                to.add(f);
            }
        }
    }

    /** Adds each header whose name {@code keep} accepts to {@code to}, in order. */
    static void copy(List<Header> from, HttpFields.Mutable to, Predicate<String> keep) {
        for (Header h : from) {
            if (keep.test(h.name())) {
                to.add(h.name(), h.value());
            }
        }
    }
}
