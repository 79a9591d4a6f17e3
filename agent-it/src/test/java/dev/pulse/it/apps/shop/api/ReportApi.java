package dev.pulse.it.apps.shop.api;

/** Package-private, so its java.lang.reflect.Proxy class is generated in this package. */
interface ReportApi {

    String buildReport(int number);
}
