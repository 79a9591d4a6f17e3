package dev.pulse.agent.weave;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * What the weaver needs to know of a class file, read from its header and member tables
 * without visiting any code: its name, access flags, version, super types, fields, and each
 * method's access, name, descriptor, code length and number of local variable slots.
 * Nothing is loaded or resolved.
 */
final class ClassShape {

    private static final String CODE = "Code";

    /** Internal names ({@code java/lang/Object}); {@code superName} is null for Object and modules. */
    final String name;
    final String superName;
    final String[] interfaces;
    final int access;
    /** The class file's major version (52 for Java 8). */
    final int version;
    final List<Member> fields;
    final List<Member> methods;

    private ClassShape(String name, String superName, String[] interfaces, int access, int version,
            List<Member> fields, List<Member> methods) {
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.access = access;
        this.version = version;
        this.fields = fields;
        this.methods = methods;
    }

    /**
     * Reads {@code classFile}.
     *
     * @throws IllegalArgumentException or another RuntimeException for a file that is not a
     *     class file this reader understands (a version newer than it knows, a truncated file)
     */
    static ClassShape read(byte[] classFile) {
        return read(new ClassReader(classFile));
    }

    static ClassShape read(ClassReader reader) {
        char[] buffer = new char[reader.getMaxStringLength()];
        int version = reader.readUnsignedShort(6);
        int offset = reader.header + 6;
        offset += 2 + 2 * reader.readUnsignedShort(offset);
        List<Member> fields = new ArrayList<>();
        int count = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < count; i++) {
            int access = reader.readUnsignedShort(offset);
            String name = reader.readUTF8(offset + 2, buffer);
            String descriptor = reader.readUTF8(offset + 4, buffer);
            fields.add(new Member(access, name, descriptor, 0, 0));
            offset = skipAttributes(reader, offset + 6);
        }
        List<Member> methods = new ArrayList<>();
        count = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < count; i++) {
            int access = reader.readUnsignedShort(offset);
            String name = reader.readUTF8(offset + 2, buffer);
            String descriptor = reader.readUTF8(offset + 4, buffer);
            int attributes = reader.readUnsignedShort(offset + 6);
            offset += 8;
            int codeLength = 0;
            int maxLocals = 0;
            for (int a = 0; a < attributes; a++) {
                int length = reader.readInt(offset + 2);
                if (CODE.equals(reader.readUTF8(offset, buffer))) {
                    maxLocals = reader.readUnsignedShort(offset + 6 + 2);
                    codeLength = reader.readInt(offset + 6 + 4);
                }
                offset += 6 + length;
            }
            methods.add(new Member(access, name, descriptor, codeLength, maxLocals));
        }
        return new ClassShape(reader.getClassName(), reader.getSuperName(), reader.getInterfaces(),
                reader.getAccess(), version, Collections.unmodifiableList(fields), Collections.unmodifiableList(methods));
    }

    private static int skipAttributes(ClassReader reader, int offset) {
        int attributes = reader.readUnsignedShort(offset);
        offset += 2;
        for (int a = 0; a < attributes; a++) {
            offset += 6 + reader.readInt(offset + 2);
        }
        return offset;
    }

    boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    /** The binary name, {@code java.lang.Object}. */
    String className() {
        return name.replace('/', '.');
    }

    /** The declared field named {@code fieldName}, or null. */
    Member field(String fieldName) {
        for (Member field : fields) {
            if (field.name.equals(fieldName)) {
                return field;
            }
        }
        return null;
    }

    boolean declaresMethod(String methodName) {
        for (Member method : methods) {
            if (method.name.equals(methodName)) {
                return true;
            }
        }
        return false;
    }

    /** A field or method: access flags, name, descriptor; for a method with code its length and local slots. */
    static final class Member {
        final int access;
        final String name;
        final String descriptor;
        /** Bytes of code; 0 for a field and an abstract or native method. */
        final int codeLength;
        final int maxLocals;

        Member(int access, String name, String descriptor, int codeLength, int maxLocals) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.codeLength = codeLength;
            this.maxLocals = maxLocals;
        }

        boolean is(int flag) {
            return (access & flag) != 0;
        }

        boolean isConstructor() {
            return "<init>".equals(name);
        }

        boolean isMethod() {
            return !isConstructor() && !"<clinit>".equals(name);
        }

        /** Name plus descriptor, {@code run()V}. */
        String key() {
            return name + descriptor;
        }
    }
}
