package dev.pulse.it.apps;

import dev.pulse.it.apps.shop.ReportService;
import dev.pulse.it.apps.shop.api.ReportApis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.interceptor.AsyncExecutionInterceptor;

/**
 * The shapes of code whose calls a timer must count once, and those where something used to go
 * unmatched without a word: Spring's CGLIB proxy running a method asynchronously, a JDK dynamic
 * proxy, a servlet in embedded Tomcat, interface default and static methods, a class with a
 * method too large for the advice, classes generated in memory (one whose superclass is
 * missing), a static queue field in a class without a static initializer. Prints what it did,
 * then "app: ready", and waits for the file named by {@code --stop-file}.
 */
public final class TimerCountsApp {

    static final int PROXIED_CALLS = 10;
    static final int REQUESTS = 25;
    static final int GENERATED_CALLS = 50;
    /** Calls of the Java 1.4 class's method: the first throws, the others return their argument plus one. */
    static final int LEGACY_CALLS = 10;
    /** Calls of the lazily loaded class's inherited method, made when the test says so. */
    static final int LAZY_CALLS = 6;
    private static Object lazyImpl;
    /** The size of the method too large to take the timer's code: 65,490 NOPs, ILOAD_0, IRETURN. */
    static final int HUGE_CODE_BYTES = 65_492;

    private TimerCountsApp() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Paths.get(args[1]);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        springProxy(executor);
        System.out.println("app: jdk proxy " + ReportApis.callThroughProxy(PROXIED_CALLS, executor));
        executor.shutdown();
        servlet();
        interfaceMethods();
        generated();
        LateQueueHolder.jobs = new LinkedBlockingQueue<>();
        for (int i = 0; i < 7; i++) {
            LateQueueHolder.jobs.add("job " + i);
        }
        Quiet quiet = new Quiet();
        quiet.flush();
        System.out.println("app: quiet " + quiet.process(1));
        System.out.println("app: ready");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        Path lazyGo = stopFile.resolveSibling("lazy-go");
        boolean lazyCalled = false;
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            if (!lazyCalled && Files.exists(lazyGo)) {
                lazyCalled = true;
                int lazySum = 0;
                for (int i = 0; i < LAZY_CALLS; i++) {
                    lazySum += (int) lazyImpl.getClass().getMethod("run", int.class).invoke(lazyImpl, i);
                }
                System.out.println("app: lazy sum=" + lazySum);
            }
            Thread.sleep(20);
        }
        System.out.println("app: done");
    }

    /** As {@code @Async} does: a CGLIB subclass whose method hands the call to an executor. */
    private static void springProxy(ExecutorService executor) throws Exception {
        ProxyFactory factory = new ProxyFactory(new ReportService());
        factory.setProxyTargetClass(true);
        factory.addAdvice(new AsyncExecutionInterceptor(executor));
        ReportService proxy = (ReportService) factory.getProxy();
        for (int i = 0; i < PROXIED_CALLS; i++) {
            proxy.buildReport(i).get(10, TimeUnit.SECONDS);
        }
        System.out.println("app: spring proxy " + proxy.getClass().getName());
    }

    private static void servlet() throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "hello", new HelloServlet());
        context.addServletMappingDecoded("/hello", "hello");
        tomcat.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/hello");
            int ok = 0;
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().equals("hello")) {
                    ok++;
                }
            }
            System.out.println("app: requests=" + REQUESTS + " ok=" + ok);
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    private static void interfaceMethods() {
        Handler handler = new PlainHandler();
        int total = 0;
        for (int i = 0; i < 5; i++) {
            total += handler.handle("r" + i).length() + Handler.checksum("abc");
        }
        System.out.println("app: handler total=" + total);
    }

    private static void generated() throws Exception {
        MemoryLoader loader = new MemoryLoader(TimerCountsApp.class.getClassLoader());
        Class<?> big = loader.define("dev.pulse.it.apps.gen.Big", bigClass());
        int small = 0;
        for (int i = 0; i < 3; i++) {
            small += (int) big.getMethod("small", int.class).invoke(null, i);
        }
        big.getMethod("huge", int.class).invoke(null, 1);
        System.out.println("app: big small=" + small);

        loader.define("dev.pulse.it.apps.gen.GenBase", classFile("dev/pulse/it/apps/gen/GenBase",
                Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "java/lang/Object", "dev/pulse/it/apps/Task", false));
        Class<?> worker = loader.define("dev.pulse.it.apps.gen.GenWorker", classFile("dev/pulse/it/apps/gen/GenWorker",
                Opcodes.ACC_PUBLIC, "dev/pulse/it/apps/gen/GenBase", null, true));
        Task task = (Task) worker.getConstructor().newInstance();
        int sum = 0;
        for (int i = 0; i < GENERATED_CALLS; i++) {
            sum += task.run(i);
        }
        System.out.println("app: generated sum=" + sum);

        // Generated in memory and loaded on demand, subclass first: the weaving of Impl (for the
        // Name+ timer) asks the loader for Base, which must then be woven as it loads.
        java.util.Map<String, byte[]> lazy = new java.util.HashMap<>();
        lazy.put("dev.pulse.it.apps.lazy.Api", interfaceFile("dev/pulse/it/apps/lazy/Api"));
        lazy.put("dev.pulse.it.apps.lazy.Base", classFile("dev/pulse/it/apps/lazy/Base", Opcodes.ACC_PUBLIC,
                "java/lang/Object", "dev/pulse/it/apps/lazy/Api", true));
        lazy.put("dev.pulse.it.apps.lazy.Impl", classFile("dev/pulse/it/apps/lazy/Impl", Opcodes.ACC_PUBLIC,
                "dev/pulse/it/apps/lazy/Base", null, false));
        lazyImpl = new OnDemandLoader(TimerCountsApp.class.getClassLoader(), lazy)
                .loadClass("dev.pulse.it.apps.lazy.Impl").getConstructor().newInstance();
        System.out.println("app: lazy loaded");

        Class<?> legacy = loader.define("dev.pulse.it.apps.gen.Legacy", legacyClass());
        int legacySum = 0;
        int thrown = 0;
        for (int i = -1; i < LEGACY_CALLS - 1; i++) {
            try {
                legacySum += (int) legacy.getMethod("work", int.class).invoke(null, i);
            } catch (java.lang.reflect.InvocationTargetException e) {
                thrown += e.getCause() instanceof IllegalStateException ? 1 : 100;
            }
        }
        System.out.println("app: legacy sum=" + legacySum + " thrown=" + thrown + " finally="
                + legacy.getField("finallyRuns").getInt(null));
        try {
            loader.define("dev.pulse.it.apps.gen.Orphan", classFile("dev/pulse/it/apps/gen/Orphan",
                    Opcodes.ACC_PUBLIC, "dev/pulse/it/apps/gen/Missing", null, true));
            System.out.println("app: orphan defined");
        } catch (NoClassDefFoundError refused) {
            System.out.println("app: orphan refused: " + refused);
        }
    }

    /**
     * {@code Legacy}, as javac 1.4 wrote {@code static int work(int x) { try { if (x < 0) throw new
     * IllegalStateException(); return x + 1; } finally { finallyRuns++; } }}: a Java 1.4 class file
     * (no stack map frames) whose finally block is a JSR/RET subroutine.
     */
    private static byte[] legacyClass() {
        String name = "dev/pulse/it/apps/gen/Legacy";
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        writer.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "finallyRuns", "I", null, null).visitEnd();
        constructor(writer, "java/lang/Object");
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "work", "(I)I", null, null);
        method.visitCode();
        Label tryStart = new Label();
        Label positive = new Label();
        Label tryEnd = new Label();
        Label any = new Label();
        Label subroutine = new Label();
        method.visitTryCatchBlock(tryStart, tryEnd, any, null);
        method.visitLabel(tryStart);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitJumpInsn(Opcodes.IFGE, positive);
        method.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
        method.visitInsn(Opcodes.DUP);
        method.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "()V", false);
        method.visitInsn(Opcodes.ATHROW);
        method.visitLabel(positive);
        method.visitVarInsn(Opcodes.ILOAD, 0);
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitVarInsn(Opcodes.ISTORE, 1);
        method.visitLabel(tryEnd);
        method.visitJumpInsn(Opcodes.JSR, subroutine);
        method.visitVarInsn(Opcodes.ILOAD, 1);
        method.visitInsn(Opcodes.IRETURN);
        method.visitLabel(any);
        method.visitVarInsn(Opcodes.ASTORE, 2);
        method.visitJumpInsn(Opcodes.JSR, subroutine);
        method.visitVarInsn(Opcodes.ALOAD, 2);
        method.visitInsn(Opcodes.ATHROW);
        method.visitLabel(subroutine);
        method.visitVarInsn(Opcodes.ASTORE, 3);
        method.visitFieldInsn(Opcodes.GETSTATIC, name, "finallyRuns", "I");
        method.visitInsn(Opcodes.ICONST_1);
        method.visitInsn(Opcodes.IADD);
        method.visitFieldInsn(Opcodes.PUTSTATIC, name, "finallyRuns", "I");
        method.visitVarInsn(Opcodes.RET, 3);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** An interface declaring {@code int run(int v)}. */
    private static byte[] interfaceFile(String name) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, name, null,
                "java/lang/Object", null);
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "run", "(I)I", null, null).visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** A class with a public constructor and, if {@code withRun}, {@code public int run(int v) { return v + 1; }}. */
    private static byte[] classFile(String name, int access, String superName, String implemented, boolean withRun) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, access | Opcodes.ACC_SUPER, name, null, superName,
                implemented == null ? null : new String[] {implemented});
        constructor(writer, superName);
        if (withRun) {
            MethodVisitor run = writer.visitMethod(Opcodes.ACC_PUBLIC, "run", "(I)I", null, null);
            run.visitCode();
            run.visitVarInsn(Opcodes.ILOAD, 1);
            run.visitInsn(Opcodes.ICONST_1);
            run.visitInsn(Opcodes.IADD);
            run.visitInsn(Opcodes.IRETURN);
            run.visitMaxs(0, 0);
            run.visitEnd();
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** {@code Big}: {@code static int huge(int)} of 65,492 bytes of code, and {@code static int small(int)}. */
    private static byte[] bigClass() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "dev/pulse/it/apps/gen/Big", null,
                "java/lang/Object", null);
        constructor(writer, "java/lang/Object");
        MethodVisitor huge = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "huge", "(I)I", null, null);
        huge.visitCode();
        for (int i = 0; i < HUGE_CODE_BYTES - 2; i++) {
            huge.visitInsn(Opcodes.NOP);
        }
        huge.visitVarInsn(Opcodes.ILOAD, 0);
        huge.visitInsn(Opcodes.IRETURN);
        huge.visitMaxs(0, 0);
        huge.visitEnd();
        MethodVisitor small = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "small", "(I)I", null, null);
        small.visitCode();
        small.visitVarInsn(Opcodes.ILOAD, 0);
        small.visitInsn(Opcodes.ICONST_2);
        small.visitInsn(Opcodes.IMUL);
        small.visitInsn(Opcodes.IRETURN);
        small.visitMaxs(0, 0);
        small.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static void constructor(ClassWriter writer, String superName) {
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
    }

    /** Defines the classes it holds when they are first asked for, and shows no class file for them. */
    static final class OnDemandLoader extends ClassLoader {
        private final java.util.Map<String, byte[]> classes;

        OnDemandLoader(ClassLoader parent, java.util.Map<String, byte[]> classes) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    /** Defines classes from bytes held nowhere else: it has no class file to show for them. */
    static final class MemoryLoader extends ClassLoader {
        MemoryLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
