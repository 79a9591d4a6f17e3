package dev.pulse.it.apps.shop.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.ExecutorService;

/** Calls {@link ReportApi#buildReport} through a JDK dynamic proxy that runs the real call on an executor. */
public final class ReportApis {

    private ReportApis() {
    }

    /** Makes {@code calls} calls through the proxy; returns the proxy's class name. */
    public static String callThroughProxy(int calls, ExecutorService executor) throws Exception {
        ReportApi target = new Reports();
        ReportApi proxy = (ReportApi) Proxy.newProxyInstance(ReportApi.class.getClassLoader(),
                new Class<?>[] {ReportApi.class}, (self, method, args) -> executor.submit(() -> {
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw (Exception) e.getCause();
                    }
                }).get());
        for (int i = 0; i < calls; i++) {
            proxy.buildReport(i);
        }
        return proxy.getClass().getName();
    }

    static final class Reports implements ReportApi {
        @Override
        public String buildReport(int number) {
            return "report " + number;
        }
    }
}
