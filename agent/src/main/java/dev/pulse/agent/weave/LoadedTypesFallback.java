package dev.pulse.agent.weave;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Byte Buddy's usual type pool (class files read lazily, as the default {@code FAST} strategy
 * does), with one fallback: a type whose class file its class loader cannot show, such as a
 * class generated in memory, is described from the loaded class. Without it a class extending
 * such a type could not be woven at all. The fallback only asks the loader for a type that a
 * class being woven refers to, which the JVM itself asks for when it defines that class; the type
 * is not initialized.
 */
final class LoadedTypesFallback implements AgentBuilder.PoolStrategy {

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        return new TypePool.LazyFacade(new Pool(classFileLocator, classLoader));
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        return typePool(classFileLocator, classLoader);
    }

    private static final class Pool extends TypePool.Default.WithLazyResolution {
        private final ClassLoader classLoader;
        private final ResolvedOnly cache;

        Pool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
            this(classFileLocator, classLoader, new ResolvedOnly());
        }

        private Pool(ClassFileLocator classFileLocator, ClassLoader classLoader, ResolvedOnly cache) {
            super(cache, classFileLocator, ReaderMode.FAST);
            this.classLoader = classLoader;
            this.cache = cache;
        }

        @Override
        protected Resolution doResolve(String name) {
            Resolution resolution = super.doResolve(name);
            if (resolution.isResolved()) {
                return resolution;
            }
            try {
                return cache.register(name,
                        new Resolution.Simple(TypeDescription.ForLoadedType.of(Class.forName(name, false, classLoader))));
            } catch (ClassNotFoundException | LinkageError missing) {
                return resolution;
            }
        }
    }

    /** Caches what was found, never what was not, so a failed class-file look-up can still fall back. */
    private static final class ResolvedOnly implements TypePool.CacheProvider {
        private final TypePool.CacheProvider found = TypePool.CacheProvider.Simple.withObjectType();

        @Override
        public TypePool.Resolution find(String name) {
            return found.find(name);
        }

        @Override
        public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            return resolution.isResolved() ? found.register(name, resolution) : resolution;
        }

        @Override
        public void clear() {
            found.clear();
        }
    }
}
