package dev.sockscope.decode.binary;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;

import dev.sockscope.decode.FallbackDecoder;
import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.decode.Secret;

/**
 * A protobuf message read with its schema, as a tree and a label: field names as the .proto writes them, enums by
 * name, maps as objects, bytes as bytes (opened later if they hold a payload, {@link NestedPayloads}), 64-bit integers
 * as numbers; fields the schema does not know under their numbers, as {@code --decode_raw} shows them. Also finds
 * where credentials are in the wire bytes, so the stored copy is masked.
 */
final class ProtobufTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = Limits.MAX_DEPTH;

    private ProtobufTrees() {
    }

    static ObjectNode tree(Message message) {
        return tree(message, 0);
    }

    private static ObjectNode tree(Message message, int depth) {
        ObjectNode out = NODES.objectNode();
        if (depth > MAX_DEPTH) {
            out.put("…", "deeper than " + MAX_DEPTH + " levels");
            return out;
        }
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor field = e.getKey();
            Object value = e.getValue();
            if (field.isMapField()) {
                ObjectNode map = NODES.objectNode();
                for (Object entry : (List<?>) value) {
                    Message m = (Message) entry;
                    Descriptor type = m.getDescriptorForType();
                    Object key = m.getField(type.findFieldByNumber(1));
                    map.set(String.valueOf(key), value(type.findFieldByNumber(2), m.getField(type.findFieldByNumber(2)), depth));
                }
                out.set(field.getName(), map);
            } else if (field.isRepeated()) {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (List<?>) value) {
                    array.add(value(field, item, depth));
                }
                out.set(field.getName(), array);
            } else {
                out.set(field.getName(), value(field, value, depth));
            }
        }
        UnknownFieldSet unknown = message.getUnknownFields();
        if (!unknown.asMap().isEmpty()) {
            RawProtobuf.tree(unknown, depth).properties().forEach(e -> out.set(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static JsonNode value(FieldDescriptor field, Object v, int depth) {
        return switch (field.getJavaType()) {
            case MESSAGE -> tree((Message) v, depth + 1);
            case ENUM -> {
                EnumValueDescriptor e = (EnumValueDescriptor) v;
                yield e.getIndex() >= 0 && e.getType().findValueByNumber(e.getNumber()) != null ? NODES.textNode(e.getName())
                        : NODES.numberNode(e.getNumber());
            }
            case BYTE_STRING -> NODES.binaryNode(((ByteString) v).toByteArray());
            case STRING -> NODES.textNode((String) v);
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case INT -> unsigned(field) ? NODES.numberNode(Integer.toUnsignedLong((Integer) v)) : NODES.numberNode((Integer) v);
            case LONG -> unsigned(field) && (Long) v < 0 ? NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) v)))
                    : NODES.numberNode((Long) v);
            case FLOAT -> NODES.numberNode((Float) v);
            case DOUBLE -> NODES.numberNode((Double) v);
        };
    }

    private static boolean unsigned(FieldDescriptor f) {
        return f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32
                || f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64;
    }

    /**
     * What a user filters by: the field set in the message's first oneof (an envelope's {@code login}, {@code chat}),
     * else a conventional name field ({@code type}, {@code event}, {@code method}...), else the type's full name.
     */
    static String label(Message message, JsonNode tree) {
        Descriptor type = message.getDescriptorForType();
        for (OneofDescriptor oneof : type.getRealOneofs()) {
            FieldDescriptor set = message.getOneofFieldDescriptor(oneof);
            if (set != null) {
                return set.getName();
            }
        }
        String conventional = FallbackDecoder.conventionalLabel(tree);
        return conventional != null ? conventional : type.getFullName();
    }

    /** Where the string fields with a credential's name ({@code password}, {@code token}) are in the wire bytes. */
    static void secrets(Descriptor type, byte[] payload, int from, int to, int depth, List<Secret> out) {
        if (depth > MAX_DEPTH) {
            return;
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(payload, from, to - from);
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
                if (field == null || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    in.skipField(tag);
                    continue;
                }
                int length = in.readRawVarint32();
                int start = from + in.getTotalBytesRead();
                if (length < 0 || start + length > to) {
                    return;
                }
                if (field.getType() == FieldDescriptor.Type.STRING && PayloadMasker.isConventionalSecret(field.getName())) {
                    out.add(new Secret.Span(start, start + length));
                } else if (field.getType() == FieldDescriptor.Type.MESSAGE && !field.isMapField()) {
                    secrets(field.getMessageType(), payload, start, start + length, depth + 1, out);
                }
                in.skipRawBytes(length);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // what was found before the break stands; the message did parse, so this is not expected
        }
    }
}
