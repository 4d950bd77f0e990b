package dev.sockscope.decode;

import com.fasterxml.jackson.databind.JsonNode;

/** The protocol chosen for a session, why, and the handshake as that protocol explains it (secrets masked). */
public record ProtocolChoice(String protocol, String reason, JsonNode handshake) {
}
