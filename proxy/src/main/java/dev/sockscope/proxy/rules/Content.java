package dev.sockscope.proxy.rules;

import java.nio.charset.StandardCharsets;

import dev.sockscope.wire.FrameType;

/** What a rule sends of its own (an answer, an injected message, a replacement): fixed text, a template or a file's bytes. */
public sealed interface Content {
    /** The bytes for this message; {@code trigger} is the message the rule matched (a template reads its fields). */
    byte[] render(byte[] trigger);

    /** The frame type it is sent as. */
    FrameType type();

    record Text(String text) implements Content {
        @Override
        public byte[] render(byte[] trigger) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public FrameType type() {
            return FrameType.TEXT;
        }
    }

    /** Text with {@code ${/json/pointer}} placeholders filled from the matched message. */
    record FromTemplate(Template template) implements Content {
        @Override
        public byte[] render(byte[] trigger) {
            return template.fill(trigger).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public FrameType type() {
            return FrameType.TEXT;
        }
    }

    /** A file's bytes, read when the rules were loaded; {@code type} is binary unless the file is UTF-8 text. */
    record FileBytes(String path, byte[] bytes, FrameType type) implements Content {
        @Override
        public byte[] render(byte[] trigger) {
            return bytes;
        }
    }
}
