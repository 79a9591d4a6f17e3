package dev.pulse.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.bridge.Hooks;
import dev.pulse.agent.config.PulseConfig;
import dev.pulse.agent.config.TimerConfig;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The timer advice woven into real classes, without an agent: redefined and loaded child-first. */
class TimerInstrumentationTest {

    static final RecordingHooks HOOKS = new RecordingHooks();

    @BeforeAll
    static void installHooks() {
        RecordingHooks.install(HOOKS);
    }

    @BeforeEach
    void clear() {
        HOOKS.calls.clear();
        HOOKS.failing = false;
    }

    @Test
    void returnValueIsUnchangedAndTheCallIsTimed() throws Exception {
        Object service = weave("work", 7);
        assertEquals("job!", invoke(service, "work", "job"));
        assertEquals(List.of("enter 7", "exit 7 null"), HOOKS.calls);
    }

    @Test
    void theHostsOwnExceptionObjectReachesTheCaller() throws Exception {
        Object service = weave("work,fail*", 3);
        for (Throwable thrown : new Throwable[] {new IOException("checked"), new IllegalStateException("runtime"),
                new StackOverflowError("error")}) {
            HOOKS.calls.clear();
            InvocationTargetException caught = assertThrows(InvocationTargetException.class,
                    () -> service.getClass().getMethod("failWith", Throwable.class).invoke(service, thrown));
            assertSame(thrown, caught.getCause());
            assertEquals(List.of("enter 3", "exit 3 " + thrown.getClass().getSimpleName()), HOOKS.calls);
        }
    }

    @Test
    void aFaultInTheHooksNeverReachesTheHost() throws Exception {
        Object service = weave("work", 1);
        HOOKS.failing = true;
        assertEquals("job!", invoke(service, "work", "job"));
    }

    @Test
    void onlyMatchingMethodsAreTimed() throws Exception {
        Object service = weave("fail*", 0);
        assertEquals("job!", invoke(service, "work", "job"));
        assertTrue(HOOKS.calls.isEmpty(), HOOKS.calls::toString);
    }

    @Test
    void bridgeSyntheticAndLambdaMethodsAreSkipped() throws Exception {
        // get() has a bridge method returning Object; the lambda body is a synthetic method.
        Object service = weave("*", 0);
        @SuppressWarnings("unchecked")
        Supplier<String> supplier = (Supplier<String>) service;
        assertEquals("supplied", supplier.get());
        assertEquals(List.of("enter 0", "exit 0 null"), HOOKS.calls);
        HOOKS.calls.clear();
        assertEquals(2, invoke(service, "viaLambda", "x"));
        assertEquals(List.of("enter 0", "exit 0 null"), HOOKS.calls);
    }

    @Test
    void aKotlinSuspendFunctionGetsTheSuspendAdviceWithItsTrailingContinuation() throws Exception {
        Object service = weave("fetch,work", 5);
        Object continuation = new NamedContinuation();
        Method fetch = service.getClass().getMethod("fetch", String.class, kotlin.coroutines.Continuation.class);
        assertEquals("id!", fetch.invoke(service, "id", continuation));
        assertEquals("job!", invoke(service, "work", "job"));
        assertEquals(List.of("suspend enter 5 k", "suspend exit 5 k id! null", "enter 5", "exit 5 null"), HOOKS.calls);
        HOOKS.calls.clear();
        InvocationTargetException caught = assertThrows(InvocationTargetException.class,
                () -> fetch.invoke(service, null, continuation));
        assertTrue(caught.getCause() instanceof NullPointerException);
        assertEquals(List.of("suspend enter 5 k", "suspend exit 5 k null NullPointerException"), HOOKS.calls);
    }

    @Test
    void aTopLevelSuspendFunctionIsStaticAndGetsTheSuspendAdviceToo() throws Exception {
        Object service = weave("fetchAll", 2);
        Method fetchAll = service.getClass().getMethod("fetchAll", int.class, long.class,
                kotlin.coroutines.Continuation.class);
        assertEquals("3", fetchAll.invoke(null, 1, 2L, new NamedContinuation()));
        assertEquals(List.of("suspend enter 2 k", "suspend exit 2 k 3 null"), HOOKS.calls);
    }

    @Test
    void typePatterns() throws Exception {
        ClassShape service = WeaveSupport.shape(Service.class);
        ClassShape base = WeaveSupport.shape(Base.class);
        String name = Service.class.getName();
        String outer = TimerInstrumentationTest.class.getName();
        assertTrue(matches(name + "#x", service));
        assertTrue(matches(outer + "$S*#x", service));
        assertTrue(!matches(outer + "$Other*#x", service));
        assertTrue(matches(Base.class.getName() + "+#x", service));
        assertTrue(matches(Base.class.getName() + "+#x", base));
        assertTrue(matches(Supplier.class.getName() + "+#x", service));
        assertTrue(!matches(Base.class.getName() + "#x", service));
    }

    @Test
    void superTypesOutsideJavaAreReadThroughTheClassesOwnLoaderJavaxIncluded() {
        java.util.Map<String, byte[]> files = new java.util.HashMap<>();
        files.put("javax/fake/Servlet", header("javax/fake/Servlet", null, true));
        files.put("javax/fake/HttpServletBase", header("javax/fake/HttpServletBase", "javax/fake/Servlet", false));
        byte[] mine = header("shop/MyServlet", null, false);
        ClassLoader loader = new ClassLoader(null) {
            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                byte[] file = files.get(name.replace(".class", ""));
                return file == null ? super.getResourceAsStream(name) : new java.io.ByteArrayInputStream(file);
            }
        };
        ClassShape shape = ClassShape.read(mine);
        TimerInstrumentation timer = new TimerInstrumentation(0, timer("javax.fake.Servlet+#service"));
        assertTrue(timer.typeMatches(shape, loader, new SuperTypes()), "found through javax.fake.HttpServletBase");
        assertTrue(!new TimerInstrumentation(0, timer("javax.fake.Other+#service")).typeMatches(shape, loader,
                new SuperTypes()));
    }

    /** A class file with only a header: {@code name} extends HttpServletBase (or Object), implements {@code implemented}. */
    private static byte[] header(String name, String implemented, boolean isInterface) {
        net.bytebuddy.jar.asm.ClassWriter writer = new net.bytebuddy.jar.asm.ClassWriter(0);
        String superName = name.equals("shop/MyServlet") ? "javax/fake/HttpServletBase" : "java/lang/Object";
        writer.visit(net.bytebuddy.jar.asm.Opcodes.V11, net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC
                | (isInterface ? net.bytebuddy.jar.asm.Opcodes.ACC_INTERFACE | net.bytebuddy.jar.asm.Opcodes.ACC_ABSTRACT
                        : 0), name, null, superName, implemented == null ? null : new String[] {implemented});
        writer.visitEnd();
        return writer.toByteArray();
    }

    @Test
    void aParameterListChoosesOneOverload() throws Exception {
        Object service = weave("work(String)", 2);
        assertEquals("job!", invoke(service, "work", "job"));
        assertEquals("jobjob", service.getClass().getMethod("work", String.class, int.class).invoke(service, "job", 2));
        assertEquals(List.of("enter 2", "exit 2 null"), HOOKS.calls);
        HOOKS.calls.clear();
        Object any = weave("work(java.lang.String,..)", 2);
        any.getClass().getMethod("work", String.class, int.class).invoke(any, "job", 2);
        assertEquals(List.of("enter 2", "exit 2 null"), HOOKS.calls);
    }

    @Test
    void generatedProxiesAreRecognizedByTheirSuperclassMarkerInterfacesOrNames() throws Exception {
        assertTrue(GeneratedProxies.isProxy(ClassShape.read(new ByteBuddy().subclass(java.lang.reflect.Proxy.class)
                .implement(Supplier.class).name("com.sun.proxy.$Proxy7").make().getBytes())));
        assertTrue(!GeneratedProxies.isProxy(WeaveSupport.shape(Service.class)));
        assertTrue(GeneratedProxies.isProxy(ClassShape.read(new ByteBuddy().subclass(Object.class)
                .name("shop.ReportService$$SpringCGLIB$$0").make().getBytes())));
        assertTrue(GeneratedProxies.isProxy(ClassShape.read(new ByteBuddy().subclass(Service.class)
                .name("shop.ReportService$HibernateProxy$x1").make().getBytes())));
        assertTrue(!matches("shop.*#x", ClassShape.read(new ByteBuddy().subclass(Object.class)
                .name("shop.ReportService$$EnhancerByCGLIB$$1").make().getBytes())));
        assertTrue(matches("shop.*#x", ClassShape.read(new ByteBuddy().subclass(Object.class)
                .name("shop.ReportService").make().getBytes())));
    }

    @Test
    void interfacesAreMatchedForTheirDefaultAndStaticMethods() throws Exception {
        ClassShape supplier = WeaveSupport.shape(Handler.class);
        assertTrue(matches(Handler.class.getName() + "#checksum", supplier));
        assertTrue(matches(Handler.class.getName() + "+#handle", supplier));
        TimerInstrumentation timer = new TimerInstrumentation(0, timer(Handler.class.getName() + "#handle,checksum,name"));
        assertEquals(2, supplier.methods.stream().filter(timer::times).count(), "default and static; never the abstract one");
    }

    @Test
    void eachMethodsCodeLengthAndLocalsAreReadFromTheClassFile() throws Exception {
        ClassShape shape = WeaveSupport.shape(Service.class);
        ClassShape.Member work = shape.methods.stream()
                .filter(method -> method.key().equals("work(Ljava/lang/String;)Ljava/lang/String;")).findFirst().get();
        assertTrue(work.codeLength > 0 && work.codeLength < 100, () -> String.valueOf(work.codeLength));
        assertEquals(2, work.maxLocals);
        assertTrue(shape.methods.stream().allMatch(method -> method.codeLength <= Weaver.MAX_WOVEN_CODE_BYTES));
    }

    public interface Handler {
        String name();

        default String handle(String request) {
            return name() + request;
        }

        static int checksum(String text) {
            return text.length();
        }
    }

    private static boolean matches(String value, ClassShape type) {
        TimerInstrumentation timer = new TimerInstrumentation(0, timer(value));
        return timer.mayMatchName(type.className())
                && timer.typeMatches(type, TimerInstrumentationTest.class.getClassLoader(), new SuperTypes());
    }

    private static Object weave(String methods, int timerId) throws Exception {
        TimerInstrumentation timer = new TimerInstrumentation(timerId, timer(Service.class.getName() + "#" + methods));
        WovenMethods woven = new WovenMethods();
        for (ClassShape.Member method : WeaveSupport.shape(Service.class).methods) {
            if (timer.times(method)) {
                woven.add(method, timer.hookFor(method));
            }
        }
        return WeaveSupport.load(Service.class, woven).getConstructor().newInstance();
    }

    private static TimerConfig timer(String value) {
        Properties properties = new Properties();
        properties.setProperty("pulse.timer.op", value);
        try {
            return PulseConfig.from(properties, "test").timers().get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Object invoke(Object target, String name, Object argument) throws Exception {
        Method method = target.getClass().getMethod(name, argument.getClass());
        return method.invoke(target, argument);
    }

    public abstract static class Base {
        public abstract String abstractWork();
    }

    public static class Service extends Base implements Supplier<String> {

        public String work(String job) {
            return job + "!";
        }

        public String work(String job, int times) {
            return job.repeat(times);
        }

        /** The compiled shape of {@code suspend fun fetch(id: String): String}. */
        public Object fetch(String id, kotlin.coroutines.Continuation<? super String> continuation) {
            return id.toString() + "!";
        }

        /** The compiled shape of a top-level {@code suspend fun fetchAll(a: Int, b: Long): String}. */
        public static Object fetchAll(int a, long b, kotlin.coroutines.Continuation<? super String> continuation) {
            return String.valueOf(a + b);
        }

        public void failWith(Throwable thrown) throws Throwable {
            throw thrown;
        }

        @Override
        public String get() {
            return "supplied";
        }

        public Integer viaLambda(String value) {
            Supplier<Integer> lambda = () -> value.length() + 1;
            return lambda.get();
        }

        @Override
        public String abstractWork() {
            return "";
        }
    }

    static final class NamedContinuation implements kotlin.coroutines.Continuation<Object> {
        @Override
        public kotlin.coroutines.CoroutineContext getContext() {
            return kotlin.coroutines.EmptyCoroutineContext.INSTANCE;
        }

        @Override
        public void resumeWith(Object result) {
        }

        @Override
        public String toString() {
            return "k";
        }
    }

    static final class RecordingHooks implements Hooks {
        final List<String> calls = new ArrayList<>();
        volatile boolean failing;
        private static boolean installed;

        /** Installs {@code hooks} in the bridge once for every test of this JVM that weaves advice. */
        static synchronized void install(RecordingHooks hooks) {
            if (!installed) {
                assertTrue(Bridge.install(hooks), "no other test in this JVM installs bridge hooks");
                installed = true;
            }
        }

        @Override
        public long timerEnter(int timer) {
            if (failing) {
                throw new IllegalStateException("fault in the agent");
            }
            calls.add("enter " + timer);
            return 42L;
        }

        @Override
        public void timerExit(int timer, long token, Throwable thrown) {
            if (failing) {
                throw new IllegalStateException("fault in the agent");
            }
            assertEquals(42L, token);
            calls.add("exit " + timer + " " + (thrown == null ? null : thrown.getClass().getSimpleName()));
        }

        @Override
        public long suspendEnter(int timer, Object continuation) {
            calls.add("suspend enter " + timer + " " + continuation);
            return 43L;
        }

        @Override
        public void suspendExit(int timer, long token, Object continuation, Object returned, Throwable thrown) {
            assertEquals(43L, token);
            calls.add("suspend exit " + timer + " " + continuation + " " + returned + " "
                    + (thrown == null ? null : thrown.getClass().getSimpleName()));
        }

        @Override
        public void continuationResumed(Object continuation, Object result, boolean resultKnown) {
            calls.add("resumed " + continuation);
        }

        @Override
        public void instanceCreated(int source, Object instance) {
            calls.add("instance " + source);
        }

        @Override
        public void classInitialized(int source, Class<?> type) {
            calls.add("class " + source);
        }

        @Override
        public void poolCreated(int kind, Object pool) {
            calls.add("pool " + kind);
        }

        @Override
        public void executorCreated(Object executor) {
            calls.add("executor");
        }

        @Override
        public void executorOfKindCreated(int kind, Object executor) {
            calls.add("executor of kind " + kind);
        }

        @Override
        public void executorThreadCreated(Object executor, Thread thread) {
            calls.add("executor thread " + thread.getName());
        }

        @Override
        public void executorRejected(Object executor) {
            calls.add("rejected");
        }

        @Override
        public void connectionAcquired(Object pool, long startNanos, Throwable thrown) {
            calls.add("acquired");
        }

        @Override
        public void threadDied(Thread thread, Throwable uncaught) {
            if (failing) {
                throw new IllegalStateException("fault in the agent");
            }
            calls.add("died " + thread.getName() + " " + uncaught.getClass().getSimpleName());
        }

        @Override
        public void taskFailed(Object executor) {
            if (failing) {
                throw new IllegalStateException("fault in the agent");
            }
            // The class's name, not getSimpleName(), which fails on a nested class loaded apart from its host.
            String name = executor == null ? "current" : executor.getClass().getName();
            calls.add("failed " + name.substring(name.lastIndexOf('$') + 1));
        }
    }
}
