package dev.sockscope.decode.binary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

/**
 * A chat app's schema, as protoc would compile it (there is no protoc here): built as a FileDescriptorProto, written
 * as a descriptor set, and messages of it written by protobuf-java.
 * <pre>
 * syntax = "proto3"; package chat;
 * enum Priority { NORMAL = 0; URGENT = 1; }
 * message Login { string user = 1; string password = 2; }
 * message Say { string room = 1; string text = 2; repeated string tags = 3; Priority priority = 4; }
 * message Ack { int64 id = 1; bool ok = 2; }
 * message Envelope { int64 id = 1; oneof body { Login login = 2; Say say = 3; Ack ack = 4; }
 *                    map&lt;string, string&gt; meta = 5; bytes blob = 6; }
 * </pre>
 */
public final class ChatSchema {
    public static final FileDescriptorProto PROTO = FileDescriptorProto.newBuilder().setName("chat.proto").setPackage("chat")
            .setSyntax("proto3")
            .addEnumType(EnumDescriptorProto.newBuilder().setName("Priority")
                    .addValue(EnumValueDescriptorProto.newBuilder().setName("NORMAL").setNumber(0))
                    .addValue(EnumValueDescriptorProto.newBuilder().setName("URGENT").setNumber(1)))
            .addMessageType(DescriptorProto.newBuilder().setName("Login")
                    .addField(field("user", 1, Type.TYPE_STRING)).addField(field("password", 2, Type.TYPE_STRING)))
            .addMessageType(DescriptorProto.newBuilder().setName("Say")
                    .addField(field("room", 1, Type.TYPE_STRING)).addField(field("text", 2, Type.TYPE_STRING))
                    .addField(field("tags", 3, Type.TYPE_STRING).setLabel(Label.LABEL_REPEATED))
                    .addField(field("priority", 4, Type.TYPE_ENUM).setTypeName(".chat.Priority")))
            .addMessageType(DescriptorProto.newBuilder().setName("Ack")
                    .addField(field("id", 1, Type.TYPE_INT64)).addField(field("ok", 2, Type.TYPE_BOOL)))
            .addMessageType(DescriptorProto.newBuilder().setName("Envelope")
                    .addField(field("id", 1, Type.TYPE_INT64))
                    .addOneofDecl(OneofDescriptorProto.newBuilder().setName("body"))
                    .addField(field("login", 2, Type.TYPE_MESSAGE).setTypeName(".chat.Login").setOneofIndex(0))
                    .addField(field("say", 3, Type.TYPE_MESSAGE).setTypeName(".chat.Say").setOneofIndex(0))
                    .addField(field("ack", 4, Type.TYPE_MESSAGE).setTypeName(".chat.Ack").setOneofIndex(0))
                    .addField(field("meta", 5, Type.TYPE_MESSAGE).setTypeName(".chat.Envelope.MetaEntry").setLabel(Label.LABEL_REPEATED))
                    .addField(field("blob", 6, Type.TYPE_BYTES))
                    .addNestedType(DescriptorProto.newBuilder().setName("MetaEntry")
                            .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                            .addField(field("key", 1, Type.TYPE_STRING)).addField(field("value", 2, Type.TYPE_STRING))))
            .build();
    public static final FileDescriptor FILE;

    static {
        try {
            FILE = FileDescriptor.buildFrom(PROTO, new FileDescriptor[0]);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ChatSchema() {
    }

    private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(Label.LABEL_OPTIONAL)
                .setJsonName(name);
    }

    /** The descriptor set, as {@code protoc --include_imports --descriptor_set_out=FILE chat.proto} writes it. */
    public static Path write(Path dir) throws IOException {
        Path file = dir.resolve("chat.desc");
        Files.write(file, FileDescriptorSet.newBuilder().addFile(PROTO).build().toByteArray());
        return file;
    }

    public static Descriptor type(String name) {
        return FILE.findMessageTypeByName(name);
    }

    /** {@code Envelope{id, login{user, password}}}. */
    public static byte[] login(long id, String user, String password) {
        DynamicMessage login = DynamicMessage.newBuilder(type("Login")).setField(type("Login").findFieldByName("user"), user)
                .setField(type("Login").findFieldByName("password"), password).build();
        return envelope(id).setField(type("Envelope").findFieldByName("login"), login).build().toByteArray();
    }

    /** {@code Envelope{id, say{room, text, tags, priority URGENT}, meta{trace: t1}}}. */
    public static byte[] say(long id, String room, String text) {
        Descriptor say = type("Say");
        DynamicMessage m = DynamicMessage.newBuilder(say).setField(say.findFieldByName("room"), room)
                .setField(say.findFieldByName("text"), text)
                .addRepeatedField(say.findFieldByName("tags"), "a").addRepeatedField(say.findFieldByName("tags"), "b")
                .setField(say.findFieldByName("priority"), FILE.findEnumTypeByName("Priority").findValueByName("URGENT")).build();
        Descriptor entry = type("Envelope").findNestedTypeByName("MetaEntry");
        DynamicMessage meta = DynamicMessage.newBuilder(entry).setField(entry.findFieldByName("key"), "trace")
                .setField(entry.findFieldByName("value"), "t1").build();
        return envelope(id).setField(type("Envelope").findFieldByName("say"), m)
                .addRepeatedField(type("Envelope").findFieldByName("meta"), meta).build().toByteArray();
    }

    /** {@code Envelope{id, ack{id, ok}, blob}}. */
    public static byte[] ack(long id, byte[] blob) {
        Descriptor ack = type("Ack");
        DynamicMessage m = DynamicMessage.newBuilder(ack).setField(ack.findFieldByName("id"), id).setField(ack.findFieldByName("ok"), true).build();
        DynamicMessage.Builder b = envelope(id).setField(type("Envelope").findFieldByName("ack"), m);
        if (blob != null) {
            b.setField(type("Envelope").findFieldByName("blob"), ByteString.copyFrom(blob));
        }
        return b.build().toByteArray();
    }

    private static DynamicMessage.Builder envelope(long id) {
        return DynamicMessage.newBuilder(type("Envelope")).setField(type("Envelope").findFieldByName("id"), id);
    }
}
