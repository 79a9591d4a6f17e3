package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.pulse.agent.bridge.Bridge;
import dev.pulse.agent.pools.ExecutorKind;
import dev.pulse.agent.pools.JdbcPoolKind;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Pool discovery: the constructors of the known connection pool classes and of the JDK's
 * executors report each new pool, a connection pool's getConnection() reports it again (so a
 * pool made before the agent was attached is found at its next use), ThreadPoolExecutor's worker constructor reports the thread
 * that will name its executor, reject() counts rejections, and HikariCP's getConnection(timeout)
 * is timed. Every advice suppresses what it throws.
 */
final class PoolInstrumentation {

    static final String THREAD_POOL_EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
    static final String WORKER = "java.util.concurrent.ThreadPoolExecutor$Worker";
    static final String FORK_JOIN_POOL = "java.util.concurrent.ForkJoinPool";
    static final String HIKARI_POOL = "com.zaxxer.hikari.pool.HikariPool";
    /** JDK types woven for discovery, which the weaver otherwise leaves alone: the JDK's executors and kinds in java.*. */
    static final List<String> JDK_TYPES = jdkTypes();

    private static List<String> jdkTypes() {
        List<String> types = new ArrayList<>(List.of(THREAD_POOL_EXECUTOR, WORKER, FORK_JOIN_POOL));
        for (ExecutorKind kind : ExecutorKind.ALL) {
            for (String type : new String[] {kind.className(), kind.workerClassName()}) {
                if (type != null && type.startsWith("java.")) {
                    types.add(type);
                }
            }
        }
        return List.copyOf(types);
    }

    private PoolInstrumentation() {
    }

    /** {@code poolClasses}: the connection pool classes, in the order of their kind ids. */
    static AgentBuilder install(AgentBuilder builder, List<String> poolClasses) {
        for (int kind = 0; kind < poolClasses.size(); kind++) {
            Advice created = Advice.withCustomMapping().bind(PoolKind.class, kind).to(PoolCreatedAdvice.class);
            builder = builder.type(named(poolClasses.get(kind)))
                    .transform((b, type, loader, module, domain) -> b.visit(created.on(isConstructor())));
            Advice used = Advice.withCustomMapping().bind(PoolKind.class, kind).to(PoolUsedAdvice.class);
            builder = builder.type(named(JdbcPoolKind.ALL.get(kind).connectionClassName()))
                    .transform((b, type, loader, module, domain) -> b.visit(
                            used.on(isMethod().and(isPublic()).and(named("getConnection")))));
        }
        for (int kind = 0; kind < ExecutorKind.ALL.size(); kind++) {
            builder = installKind(builder, kind, ExecutorKind.ALL.get(kind));
        }
        return builder
                .type(named(HIKARI_POOL))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(AcquireAdvice.class).on(named("getConnection").and(takesArguments(long.class)))))
                .type(named(THREAD_POOL_EXECUTOR))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(ExecutorCreatedAdvice.class).on(isConstructor()))
                        .visit(Advice.to(RejectAdvice.class).on(named("reject").and(takesArguments(1)))))
                .type(named(WORKER))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(WorkerAdvice.class).on(isConstructor().and(takesArguments(2)))))
                .type(named(FORK_JOIN_POOL))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(ExecutorCreatedAdvice.class).on(isConstructor())));
    }

    /**
     * A framework executor kind: its constructors and its per-task method announce the pool, its
     * worker constructor reports each thread, its reject method counts rejections.
     */
    private static AgentBuilder installKind(AgentBuilder builder, int id, ExecutorKind kind) {
        Advice created = Advice.withCustomMapping().bind(ExecutorKindId.class, id).to(KindCreatedAdvice.class);
        ElementMatcher.Junction<MethodDescription> methods = isConstructor();
        if (kind.usedMethodName() != null) {
            methods = methods.or(isMethod().and(isPublic()).and(named(kind.usedMethodName())));
        }
        AsmVisitorWrapper announce = created.on(methods);
        AsmVisitorWrapper reject = kind.rejectMethodName() == null ? null
                : Advice.to(RejectAdvice.class).on(isMethod().and(named(kind.rejectMethodName())).and(takesArguments(1)));
        builder = builder.type(named(kind.className()))
                .transform((b, type, loader, module, domain) -> reject == null ? b.visit(announce)
                        : b.visit(announce).visit(reject));
        if (kind.workerClassName() != null) {
            builder = builder.type(named(kind.workerClassName()))
                    .transform((b, type, loader, module, domain) -> b.visit(Advice.to(WorkerAdvice.class).on(
                            isConstructor().and(takesArgument(0, named(kind.className()))))));
        }
        return builder;
    }

    /** The id of a framework executor kind, bound into its advice. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface ExecutorKindId {
    }

    /** Known executors return at once, without locking or allocating. */
    static final class KindCreatedAdvice {

        private KindCreatedAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@ExecutorKindId int kind, @Advice.This Object executor) {
            Bridge.executorOfKindCreated(kind, executor);
        }
    }

    /** The kind id of a connection pool class, bound into its constructor advice. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface PoolKind {
    }

    static final class PoolCreatedAdvice {

        private PoolCreatedAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@PoolKind int kind, @Advice.This Object pool) {
            Bridge.poolCreated(kind, pool);
        }
    }

    /** Known pools return at once, without locking or allocating. */
    static final class PoolUsedAdvice {

        private PoolUsedAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@PoolKind int kind, @Advice.This Object pool) {
            Bridge.poolCreated(kind, pool);
        }
    }

    static final class ExecutorCreatedAdvice {

        private ExecutorCreatedAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object executor) {
            Bridge.executorCreated(executor);
        }
    }

    /** ThreadPoolExecutor.Worker(ThreadPoolExecutor outer, Runnable firstTask): the outer executor comes first. */
    static final class WorkerAdvice {

        private WorkerAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object executor, @Advice.FieldValue("thread") Thread thread) {
            Bridge.executorThreadCreated(executor, thread);
        }
    }

    static final class RejectAdvice {

        private RejectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object executor) {
            Bridge.executorRejected(executor);
        }
    }

    static final class AcquireAdvice {

        private AcquireAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object pool, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
            Bridge.connectionAcquired(pool, start, thrown);
        }
    }
}
