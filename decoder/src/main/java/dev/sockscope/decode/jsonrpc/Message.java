package dev.sockscope.decode.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON-RPC 2.0 message (a frame, or an element of a batch), as its members say: a call, a notification, a result,
 * an error, rpc-websockets' event, or something that is none of them.
 */
sealed interface Message {

    /** A method call that expects an answer: {@code id} is the id's JSON text ({@code 7}, {@code "b-1"}). */
    record Call(String method, String id, JsonNode params) implements Message {
    }

    /** A method call without an id: no answer comes. */
    record Notification(String method, JsonNode params) implements Message {
    }

    /** A successful answer; {@code id} null when the server could not tell which request it answers. */
    record Result(String id, JsonNode result) implements Message {
    }

    /** An error answer; {@code id} null when the server could not read the request (a parse error). */
    record Error(String id, JsonNode error) implements Message {
    }

    /** rpc-websockets' events, not JSON-RPC: {@code {"notification":"tick","params":{...}}}. */
    record Event(String name, JsonNode params) implements Message {
    }

    /** None of them: why. */
    record Invalid(String reason) implements Message {
    }

    /** What a JSON value is as a JSON-RPC message. Never throws. */
    static Message of(JsonNode m) {
        if (m == null || !m.isObject()) {
            return new Invalid("a JSON-RPC message is a JSON object");
        }
        JsonNode method = m.get("method");
        JsonNode id = m.get("id");
        if (method != null) {
            if (!method.isTextual()) {
                return new Invalid("method is not a string");
            }
            return id == null || id.isNull() ? new Notification(method.asText(), m.get("params"))
                    : new Call(method.asText(), idText(id), m.get("params"));
        }
        if (m.has("error")) {
            return new Error(idText(id), m.get("error"));
        }
        if (m.has("result")) {
            return new Result(idText(id), m.get("result"));
        }
        JsonNode notification = m.get("notification");
        if (notification != null && notification.isTextual()) {
            return new Event(notification.asText(), m.get("params"));
        }
        return new Invalid("neither a method call (method) nor an answer (result or error)");
    }

    /** The id as a correlation key: its JSON text, so that 1 and "1" differ as the specification says; null if none. */
    private static String idText(JsonNode id) {
        return id == null || !(id.isTextual() || id.isNumber()) ? null : id.toString();
    }

    /** Whether a message is what JSON-RPC 2.0 says about its {@code jsonrpc} member: "2.0" (events are not JSON-RPC). */
    static boolean versionOk(JsonNode m, Message message) {
        return message instanceof Event || message instanceof Invalid || "2.0".equals(m.path("jsonrpc").textValue());
    }
}
