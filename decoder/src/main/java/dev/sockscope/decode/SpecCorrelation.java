package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.wire.Direction;

/**
 * One {@code correlate} rule of a spec, ready to say what a record asks or answers ({@link Correlation}), in the scope
 * named after its request key ({@code seq}; {@code ack in /admin} with a namespace).
 */
record SpecCorrelation(ProtocolSpec.Correlate rule, String scope) {

    static List<SpecCorrelation> of(List<ProtocolSpec.Correlate> rules) {
        List<SpecCorrelation> out = new ArrayList<>(rules.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            String scope = rules.get(i).requestKey().text();
            if (!taken.add(scope)) {
                scope = scope + " #" + (i + 1);
                taken.add(scope);
            }
            out.add(new SpecCorrelation(rules.get(i), scope));
        }
        return out;
    }

    /**
     * What a record sent by {@code from}, of {@code kind}, asks or answers under this rule, if anything.
     *
     * @param labelUnknown its label value is unknown or missing: an answer then takes its request's label
     */
    Correlation of(Direction from, Kind kind, JsonNode tree, boolean labelUnknown) {
        Direction requester = rule.requestDirection();
        boolean fromRequester = requester == null || from == requester;
        boolean fromAnswerer = requester == null || from != requester;
        if (fromRequester && rule.cancel() != null && rule.cancel().matches(from, tree)) {
            String key = value(rule.requestKey().find(tree));
            return key == null ? null : new Correlation.Cancel(scope(tree), key);
        }
        if (fromRequester && rule.requests().contains(kind) && (rule.requestWhen() == null || rule.requestWhen().matches(from, tree))) {
            String key = value(rule.requestKey().find(tree));
            if (key != null) {
                return new Correlation.Request(scope(tree), key, rule.optional() == null || !rule.optional().matches(from, tree));
            }
        }
        if (fromAnswerer && rule.responses().contains(kind) && (rule.responseWhen() == null || rule.responseWhen().matches(from, tree))) {
            String key = value(rule.responseKey().find(tree));
            if (key != null) {
                boolean item = rule.stream() != null && rule.stream().matches(from, tree);
                return new Correlation.Answer(scope(tree), key, !item, labelUnknown || rule.answersTakeRequestLabel());
            }
        }
        return null;
    }

    private String scope(JsonNode tree) {
        if (rule.namespace() == null) {
            return scope;
        }
        JsonNode ns = rule.namespace().find(tree);
        return ns == null ? scope : scope + " in " + value(ns);
    }

    static String value(JsonNode k) {
        return k == null ? null : k.isValueNode() ? k.asText() : k.toString();
    }
}
