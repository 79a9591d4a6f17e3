package dev.pulse.agent.weave;

import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * The class file being transformed on this thread, kept from the moment the JVM hands it to
 * the agent until the transformation completes, so a transformer can look at what Byte Buddy's
 * type description does not carry: each method's code size.
 */
final class ClassFiles implements AgentBuilder.ClassFileBufferStrategy {

    /**
     * The largest method body the timer advice is woven into, in bytes. The JVM refuses a method
     * of more than 65,535 bytes of code; the advice adds a few hundred bytes (enter, exit, handlers,
     * a jump per return), so methods above this are left alone, and the rest of their class is timed.
     */
    static final int MAX_WOVEN_CODE_BYTES = 65_535 - 4_096;

    private static final String CODE = "Code";

    private final ThreadLocal<Current> current = new ThreadLocal<>();

    @Override
    public ClassFileLocator resolve(String name, byte[] binaryRepresentation, ClassLoader classLoader, JavaModule module,
            ProtectionDomain protectionDomain) {
        current.set(new Current(name.replace('/', '.'), binaryRepresentation));
        return AgentBuilder.ClassFileBufferStrategy.Default.RETAINING.resolve(name, binaryRepresentation, classLoader,
                module, protectionDomain);
    }

    @Override
    public TypePool typePool(AgentBuilder.PoolStrategy poolStrategy, ClassFileLocator classFileLocator,
            ClassLoader classLoader, String name) {
        return AgentBuilder.ClassFileBufferStrategy.Default.RETAINING.typePool(poolStrategy, classFileLocator,
                classLoader, name);
    }

    /** The class file of {@code typeName} if it is the one being transformed on this thread, else null. */
    byte[] current(String typeName) {
        Current file = current.get();
        return file != null && file.name.equals(typeName) ? file.bytes : null;
    }

    /** Forgets this thread's class file once its transformation is complete. */
    void completed() {
        current.remove();
    }

    /**
     * The methods of a class file whose code is larger than {@code limit} bytes: name plus
     * descriptor ({@code run()V}) to code size, in the order of the file. Empty for a file that
     * cannot be read.
     */
    static Map<String, Integer> methodsLargerThan(byte[] classFile, int limit) {
        Map<String, Integer> large = new LinkedHashMap<>();
        if (classFile == null || classFile.length < limit) {
            return large;
        }
        try {
            ClassReader reader = new ClassReader(classFile);
            char[] buffer = new char[reader.getMaxStringLength()];
            int offset = reader.header + 6;
            offset += 2 + 2 * reader.readUnsignedShort(offset);
            int fields = reader.readUnsignedShort(offset);
            offset += 2;
            for (int i = 0; i < fields; i++) {
                offset = skipAttributes(reader, offset + 6);
            }
            int methods = reader.readUnsignedShort(offset);
            offset += 2;
            for (int i = 0; i < methods; i++) {
                String name = reader.readUTF8(offset + 2, buffer);
                String descriptor = reader.readUTF8(offset + 4, buffer);
                int attributes = reader.readUnsignedShort(offset + 6);
                offset += 8;
                for (int a = 0; a < attributes; a++) {
                    int length = reader.readInt(offset + 2);
                    if (CODE.equals(reader.readUTF8(offset, buffer))) {
                        int codeLength = reader.readInt(offset + 6 + 4);
                        if (codeLength > limit) {
                            large.put(name + descriptor, codeLength);
                        }
                    }
                    offset += 6 + length;
                }
            }
        } catch (RuntimeException malformed) {
            // Byte Buddy reads the file next and reports what is wrong with it.
        }
        return large;
    }

    private static int skipAttributes(ClassReader reader, int offset) {
        int attributes = reader.readUnsignedShort(offset);
        offset += 2;
        for (int a = 0; a < attributes; a++) {
            offset += 6 + reader.readInt(offset + 2);
        }
        return offset;
    }

    private static final class Current {
        final String name;
        final byte[] bytes;

        Current(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes;
        }
    }
}
