package dev.pulse.agent.weave;

/**
 * Recognizes classes that libraries generate to stand in front of an application's own class:
 * Spring's and plain CGLIB subclasses, Byte Buddy and javassist proxies, Hibernate's lazy
 * proxies and {@code java.lang.reflect.Proxy} classes. Such a class passes each call on to the
 * real method (which is timed), so timing it too would count one call twice. Recognized by the
 * names these libraries give their classes and by the marker interfaces or superclass they
 * declare, read from the class file without loading anything.
 */
final class GeneratedProxies {

    /** Parts of the names the libraries give their generated classes. */
    private static final String[] NAME_MARKERS = {
        "$$SpringCGLIB$$", "$$EnhancerBySpringCGLIB$$", "$$EnhancerByCGLIB$$", "$$FastClassBySpringCGLIB$$",
        "$$FastClassByCGLIB$$", "$ByteBuddy$", "$$_jvst", "$HibernateProxy$", "$$_javassist_",
    };

    /** Interfaces that only generated proxies implement (internal names). */
    private static final String[] MARKER_INTERFACES = {
        "org/springframework/cglib/proxy/Factory", "net/sf/cglib/proxy/Factory",
        "org/springframework/aop/SpringProxy", "javassist/util/proxy/ProxyObject", "javassist/util/proxy/Proxy",
        "org/hibernate/proxy/HibernateProxy", "org/hibernate/proxy/ProxyConfiguration",
    };

    private static final String JDK_PROXY = "java/lang/reflect/Proxy";

    private GeneratedProxies() {
    }

    /** True for a generated proxy class. */
    static boolean isProxy(ClassShape type) {
        String name = type.name;
        for (String marker : NAME_MARKERS) {
            if (name.contains(marker)) {
                return true;
            }
        }
        if (JDK_PROXY.equals(type.superName)) {
            return true;
        }
        for (String implemented : type.interfaces) {
            for (String marker : MARKER_INTERFACES) {
                if (marker.equals(implemented)) {
                    return true;
                }
            }
        }
        return false;
    }
}
