package io.lvmcoord.agent.cli;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.TimeZone;

/**
 * Runs a test class in UTC: lvm2 printed lv_time in local time and the fixtures were recorded with
 * TZ=UTC, so the reports compared with them must be made in UTC too. The JVM's zone is restored after.
 */
public final class InUtc implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(InUtc.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("zone", TimeZone.getDefault());
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TimeZone.setDefault(context.getStore(NS).get("zone", TimeZone.class));
    }
}
