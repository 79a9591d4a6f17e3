package dev.pulse.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperClass;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Lets every class loader see the bridge. A loader that delegates only {@code java.*} to its
 * parent (an OSGi bundle without boot delegation, a JBoss Modules module) would otherwise fail
 * to resolve {@code dev.pulse.agent.bridge.Bridge} from the advice woven into its classes. Every
 * {@code loadClass(String)} and {@code loadClass(String, boolean)} a class loader declares is
 * woven so that names under the bridge package are answered by the bootstrap loader, where
 * {@code BootstrapBridge} put them, before the loader's own logic runs.
 *
 * <p>The JDK's own loaders are left alone (the weaver ignores {@code java.*}, {@code jdk.*},
 * {@code sun.*}): they delegate to the bootstrap loader first. A loader that merely inherits
 * {@link ClassLoader#loadClass(String, boolean)} delegates to its parent first, which is woven in
 * turn if it filters.
 */
final class ClassLoaderInstrumentation {

    /** The bridge's package, with its dot: the only names the advice answers. */
    static final String BRIDGE_PACKAGE = "dev.pulse.agent.bridge.";

    static final ElementMatcher.Junction<MethodDescription> LOAD_CLASS = named("loadClass")
            .and(not(isStatic()))
            .and(returns(Class.class))
            .and(takesArguments(String.class).or(takesArguments(String.class, boolean.class)));

    /**
     * Classes already loaded are retransformed in two rounds, class loaders first: a class that
     * calls the bridge is only woven once its loader can see the bridge (see
     * {@link BridgeVisibility}), so its loader must have been woven before.
     */
    static final AgentBuilder.RedefinitionStrategy.DiscoveryStrategy LOADERS_FIRST = ClassLoaderInstrumentation::loadersFirst;

    private ClassLoaderInstrumentation() {
    }

    /**
     * Adds the loadClass advice and the bridge visibility check to {@code builder}; a class left
     * unwoven by the check is said in one line and counted in {@code errors}. The type
     * matcher looks at the declared methods before the class hierarchy, so only a class that
     * declares a {@code loadClass} has its superclasses resolved.
     */
    static AgentBuilder install(AgentBuilder builder, AtomicLong errors) {
        Advice advice = Advice.to(LoadClassAdvice.class);
        return builder
                .with(transformer -> new BridgeVisibility(transformer, errors))
                .type(declaresMethod(LOAD_CLASS).and(hasSuperClass(named(ClassLoader.class.getName()))))
                .transform((b, type, loader, module, domain) -> b.visit(advice.on(LOAD_CLASS)));
    }

    private static Iterable<Iterable<Class<?>>> loadersFirst(Instrumentation instrumentation) {
        List<Class<?>> loaders = new ArrayList<>();
        List<Class<?>> others = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            (ClassLoader.class.isAssignableFrom(type) ? loaders : others).add(type);
        }
        return List.of(loaders, others);
    }

    /**
     * Inlined at the start of a class loader's loadClass. For any name outside the bridge package
     * it costs one {@code startsWith} on a constant and the loader runs as before. It uses JDK
     * types only, and asks the bootstrap loader directly, so it never loads a class through the
     * loader it sits in, takes no lock and cannot recurse. Both parts suppress what they throw;
     * a name the bootstrap loader does not know falls through to the loader's own logic.
     */
    static final class LoadClassAdvice {

        private LoadClassAdvice() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        static Class<?> enter(@Advice.Argument(0) String name) throws ClassNotFoundException {
            if (name != null && name.startsWith(BRIDGE_PACKAGE)) {
                return Class.forName(name, false, null);
            }
            return null;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Enter Class<?> bridge,
                @Advice.Return(readOnly = false) Class<?> loaded) {
            if (bridge != null) {
                loaded = bridge;
            }
        }
    }
}
