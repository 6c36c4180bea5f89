package io.lvmcoord.scan.metadata;

import java.util.List;

/** A value in lvm's config-tree text: string, integer, float or array of those. */
public sealed interface ConfigValue permits ConfigValue.Str, ConfigValue.Int, ConfigValue.Flt, ConfigValue.Arr {

    record Str(String value) implements ConfigValue {
    }

    record Int(long value) implements ConfigValue {
    }

    record Flt(double value) implements ConfigValue {
    }

    record Arr(List<ConfigValue> items) implements ConfigValue {
        public Arr {
            items = List.copyOf(items);
        }
    }
}
