package dev.pulse.agent.weave;

import java.io.IOException;
import java.io.InputStream;
import net.bytebuddy.jar.asm.ClassReader;

/** Weaves a test class's own class file with given hooks and loads the result child-first, without an agent. */
final class WeaveSupport {

    private WeaveSupport() {
    }

    static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** {@code classFile} with {@code hook} on every method named {@code method}, read and written as the agent does. */
    static byte[] weave(byte[] classFile, String method, MethodHook... hooks) {
        ClassReader reader = new ClassReader(classFile);
        ClassShape shape = ClassShape.read(reader);
        WovenMethods woven = new WovenMethods();
        for (ClassShape.Member member : shape.methods) {
            if (member.name.equals(method)) {
                for (MethodHook hook : hooks) {
                    woven.add(member, hook);
                }
            }
        }
        return Weaver.rewrite(reader, shape, woven);
    }

    static ClassShape shape(Class<?> type) throws IOException {
        return ClassShape.read(classFile(type));
    }

    /** {@code type} woven with {@code woven}, loaded by a new loader that defines it and delegates the rest. */
    static Class<?> load(Class<?> type, WovenMethods woven) throws IOException {
        byte[] file = classFile(type);
        ClassReader reader = new ClassReader(file);
        byte[] result = Weaver.rewrite(reader, ClassShape.read(reader), woven);
        return define(type, result);
    }

    static Class<?> define(Class<?> type, byte[] bytes) {
        return define(type.getName(), bytes, type.getClassLoader());
    }

    /** Defines {@code name} from {@code bytes} in a new loader under {@code parent}. */
    static Class<?> define(String name, byte[] bytes, ClassLoader parent) {
        try {
            return new ChildFirst(name, bytes, parent).loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static final class ChildFirst extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        ChildFirst(String name, byte[] bytes, ClassLoader parent) {
            super(parent);
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> loadClass(String wanted, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(wanted)) {
                if (wanted.equals(name)) {
                    Class<?> loaded = findLoadedClass(wanted);
                    return loaded != null ? loaded : defineClass(wanted, bytes, 0, bytes.length);
                }
                return super.loadClass(wanted, resolve);
            }
        }
    }
}
