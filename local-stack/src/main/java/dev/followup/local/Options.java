package dev.followup.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options and positional arguments. */
record Options(Map<String, String> named, List<String> positional) {

    static Options parse(String[] args) {
        Map<String, String> named = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                named.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        return new Options(named, positional);
    }

    String get(String name, String fallback) {
        return named.getOrDefault(name, fallback);
    }

    String require(String name) {
        String value = named.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
