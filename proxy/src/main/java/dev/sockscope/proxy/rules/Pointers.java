package dev.sockscope.proxy.rules;

import com.fasterxml.jackson.core.JsonPointer;

/** JSON pointers as rules write them ({@code /payload/profile/name}); checked at load so a typo is refused then. */
final class Pointers {
    private Pointers() {
    }

    static JsonPointer check(String pointer) {
        if (pointer == null || pointer.isEmpty() || !pointer.startsWith("/")) {
            throw new IllegalArgumentException("'" + pointer + "' is not a JSON pointer (it starts with '/', e.g. /opcode)");
        }
        try {
            return JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + pointer + "' is not a JSON pointer: " + e.getMessage());
        }
    }
}
