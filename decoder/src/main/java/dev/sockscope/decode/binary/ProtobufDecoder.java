package dev.sockscope.decode.binary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import dev.sockscope.decode.DecodeResult;
import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.GuessedPairs;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.decode.Previews;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Secret;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Protocol Buffers with the user's schema ({@code --protobuf}, {@link ProtobufSchema}): each binary frame is a message
 * of the direction's type, or of the set's type that reads it best. Chosen for a route with {@code --protocol NAME},
 * or by content: a session whose early binary frame reads as the schema's message, every field known.
 *
 * <p>A frame's label is the field set in the message's oneof (an envelope's {@code chat}), a conventional name field,
 * or the type's name; its tree has the .proto's field names; string fields named like credentials ({@code password},
 * {@code token}) are masked in what is shown and in the stored copy (same length, so the stored frame still parses).
 * A message whose conventional id ({@code id}, {@code seq}, {@code requestId}...) matches an earlier message of the
 * other peer is paired with it as its answer ({@link GuessedPairs}).
 * Text frames are not the protocol's (the fallback reads them, JSON and all).
 */
public final class ProtobufDecoder implements ProtocolDecoder {
    /** Types tried when guessing, at most: a huge schema costs one frame this many parses, no more. */
    static final int MAX_GUESSES = 256;

    private final ProtobufSchema schema;

    public ProtobufDecoder(ProtobufSchema schema) {
        this.schema = schema;
    }

    @Override
    public String name() {
        return schema.name();
    }

    @Override
    public String title() {
        return "Protocol Buffers: " + schema.types();
    }

    @Override
    public String source() {
        return schema.file().toString();
    }

    @Override
    public String detection() {
        return "--protocol " + schema.name() + "; content: a binary frame that reads as " + schema.types();
    }

    @Override
    public boolean recognises(FrameInput frame) {
        if (frame.type() != FrameType.BINARY || frame.payload().length == 0 || frame.payload().length > PayloadFormats.MAX_BYTES
                || RawProtobuf.isText(frame.payload())) {
            return false;
        }
        Read read = read(frame.payload(), frame.from());
        return read != null && read.message().getUnknownFields().asMap().isEmpty() && !read.message().getAllFields().isEmpty()
                && fullyKnown(read.message(), 0);
    }

    @Override
    public FrameReader open(DecoderContext context) {
        SecretMasker masker = context == null ? SecretMasker.ephemeral() : context.masker();
        GuessedPairs pairs = new GuessedPairs();
        return frame -> decode(frame, masker, pairs);
    }

    private DecodeResult decode(FrameInput frame, SecretMasker masker, GuessedPairs pairs) {
        if (frame.type().isControl()) {
            return DecodeResult.NotMine.CONTROL;
        }
        if (frame.type() != FrameType.BINARY) {
            return new DecodeResult.NotMine("a text frame; protobuf messages come in binary frames");
        }
        byte[] payload = frame.payload();
        if (payload.length > PayloadFormats.MAX_BYTES) {
            return new DecodeResult.NotMine("over the " + (PayloadFormats.MAX_BYTES >> 20) + " MiB decoding limit");
        }
        Descriptor type = typeOf(frame.from());
        Read read = read(payload, frame.from());
        if (read == null) {
            String why = type == null ? "no message type of " + schema.file().getFileName() + " reads it" : reason(type, payload);
            return new DecodeResult.Failed(type == null ? "not protobuf" : "malformed " + type.getFullName(), why);
        }
        Message message = read.message();
        ObjectNode tree = ProtobufTrees.tree(message);
        String label = ProtobufTrees.label(message, tree);
        boolean named = !label.equals(message.getDescriptorForType().getFullName());
        PayloadMasker.maskTree(tree, masker, 0);
        String fullName = message.getDescriptorForType().getFullName();
        String summary = fullName + " " + Previews.json(tree);
        List<Warning> warnings = new ArrayList<>();
        if (!message.getUnknownFields().asMap().isEmpty()) {
            warnings.add(Warning.of(Warning.Code.NOT_IN_TABLE, "fields " + message.getUnknownFields().asMap().keySet() + " are not in "
                    + fullName + " (is " + schema.file().getFileName() + " up to date?)"));
        }
        if (read.guessed()) {
            summary = fullName + "? " + Previews.json(tree);
        }
        List<Secret> secrets = new ArrayList<>();
        ProtobufTrees.secrets(message.getDescriptorForType(), payload, 0, payload.length, 0, secrets);
        DecodeResult.Decoded d = new DecodeResult.Decoded(label, Kind.UNKNOWN, summary, warnings, () -> NestedPayloads.open(tree), secrets,
                List.of(), null);
        // An envelope's id field pairs an answer with its request, as the fallback pairs JSON.
        return pairs.pair(frame.from(), tree, d, named);
    }

    private Descriptor typeOf(Direction from) {
        return from == Direction.CLIENT_TO_SERVER ? schema.client() : schema.server();
    }

    /** The message, of the direction's type or guessed; null when none reads it. */
    private Read read(byte[] payload, Direction from) {
        Descriptor type = typeOf(from);
        if (type != null) {
            Message m = parse(type, payload);
            return m == null ? null : new Read(m, false);
        }
        Message best = null;
        int bestScore = -1;
        List<Descriptor> candidates = schema.all();
        for (int i = 0; i < candidates.size() && i < MAX_GUESSES; i++) {
            Message m = parse(candidates.get(i), payload);
            if (m != null && fullyKnown(m, 0)) {
                int score = fieldsSet(m, 0);
                if (score > bestScore) {
                    best = m;
                    bestScore = score;
                }
            }
        }
        return best == null ? null : new Read(best, true);
    }

    private record Read(Message message, boolean guessed) {
    }

    private static Message parse(Descriptor type, byte[] payload) {
        try {
            return DynamicMessage.parseFrom(type, payload, ExtensionRegistry.getEmptyRegistry());
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }

    private static String reason(Descriptor type, byte[] payload) {
        try {
            DynamicMessage.parseFrom(type, payload);
            return "does not read as " + type.getFullName();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return "does not read as " + type.getFullName() + ": " + e.getMessage();
        }
    }

    /** No field, at any depth, that the schema does not know. */
    private static boolean fullyKnown(Message m, int depth) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            return false;
        }
        if (depth > Limits.MAX_DEPTH) {
            return true;
        }
        for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            for (Object v : e.getKey().isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue())) {
                if (v instanceof Message inner && !fullyKnown(inner, depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Fields set, at every depth: the guess takes the type that explains the most of the frame. */
    private static int fieldsSet(Message m, int depth) {
        int n = 0;
        for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            n++;
            if (depth < Limits.MAX_DEPTH) {
                for (Object v : e.getKey().isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue())) {
                    if (v instanceof Message inner) {
                        n += fieldsSet(inner, depth + 1);
                    }
                }
            }
        }
        return n;
    }
}
