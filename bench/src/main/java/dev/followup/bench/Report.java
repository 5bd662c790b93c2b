package dev.followup.bench;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The results of one run as a table for people and as JSON for tools. */
final class Report {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Map<String, Object> run;
    private final List<ScenarioResult> scenarios;

    /** @param run what was run where: start time, host, broker, options (shown in the JSON as they are) */
    Report(Map<String, Object> run, List<ScenarioResult> scenarios) {
        this.run = new LinkedHashMap<>(run);
        this.scenarios = List.copyOf(scenarios);
    }

    String table() {
        List<String[]> rows = new ArrayList<>();
        for (ScenarioResult s : scenarios) {
            for (Figure f : s.figures()) {
                rows.add(new String[] {s.name(), f.label(), render(f), f.ratioToCeiling() == null ? ""
                        : String.format(Locale.ROOT, "%.3f", f.ratioToCeiling()), target(f)});
            }
        }
        String[] header = {"scenario", "figure", "value", "÷ ceiling", "target"};
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, width);
        appendRow(out, java.util.Arrays.stream(width).mapToObj("-"::repeat).toArray(String[]::new), width);
        String previous = null;
        for (String[] row : rows) {
            String[] shown = row.clone();
            if (row[0].equals(previous)) {
                shown[0] = "";
            }
            previous = row[0];
            appendRow(out, shown, width);
        }
        for (ScenarioResult s : scenarios) {
            out.append(String.format(Locale.ROOT, "%n%s: %.0f s, load %s → %s", s.name(), s.seconds(),
                    load(s.loadStart()), load(s.loadEnd())));
            for (String note : s.notes()) {
                out.append(System.lineSeparator()).append("  - ").append(note);
            }
            if (!s.series().isEmpty()) {
                out.append(System.lineSeparator()).append(System.lineSeparator()).append(series(s.series()));
            }
        }
        return out.append(System.lineSeparator()).toString();
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>(run);
        List<Map<String, Object>> list = new ArrayList<>();
        for (ScenarioResult s : scenarios) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("seconds", round(s.seconds()));
            m.put("loadAverage", Map.of("start", s.loadStart(), "end", s.loadEnd()));
            m.put("notes", s.notes());
            Map<String, Object> figures = new LinkedHashMap<>();
            for (Figure f : s.figures()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("label", f.label());
                fm.put("unit", f.unit());
                f.values().forEach((k, v) -> fm.put(k, round(v)));
                if (f.ratioToCeiling() != null) {
                    fm.put("ratioToCeiling", Math.round(f.ratioToCeiling() * 10000) / 10000.0);
                }
                if (f.target() != null) {
                    fm.put("target", f.target());
                    fm.put("met", f.met());
                }
                figures.put(f.key(), fm);
            }
            m.put("figures", figures);
            if (!s.series().isEmpty()) {
                m.put("series", s.series());
            }
            list.add(m);
        }
        root.put("scenarios", list);
        return JSON.writeValueAsString(root);
    }

    /** The scalar columns of samples over time as a table, one row per sample (nested values are in the JSON). */
    static String series(List<Map<String, Object>> rows) {
        List<String> columns = rows.get(0).entrySet().stream().filter(e -> e.getValue() instanceof Number)
                .map(Map.Entry::getKey).toList();
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.toArray(String[]::new));
        for (Map<String, Object> row : rows) {
            cells.add(columns.stream().map(c -> row.get(c) instanceof Number n ? number(n.doubleValue()) : "")
                    .toArray(String[]::new));
        }
        int[] width = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(" ".repeat(width[i] - line[i].length())).append(line[i]).append(i < line.length - 1 ? "  " : "");
            }
            out.append(text).append(System.lineSeparator());
        }
        return out.toString();
    }

    static String render(Figure f) {
        if (f.values().containsKey("value")) {
            return withUnit(f.values().get("value"), f.unit());
        }
        return f.values().entrySet().stream().map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(Collectors.joining(" · ")) + " " + f.unit();
    }

    /** {@code 84,312/s}, {@code 120 ms}, {@code 187 B}, {@code 3} (no unit). */
    static String withUnit(double value, String unit) {
        if (unit.isEmpty()) {
            return number(value);
        }
        return number(value) + (unit.startsWith("/") ? "" : " ") + unit;
    }

    /** Grouped thousands; one decimal below 100 when the value has one (sizes in MB, small rates). */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        DecimalFormat format = Math.abs(value) < 100 && value != Math.rint(value)
                ? new DecimalFormat("#,##0.0", DecimalFormatSymbols.getInstance(Locale.ROOT))
                : new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return format.format(value);
    }

    private static String target(Figure f) {
        if (f.target() == null) {
            return "";
        }
        return f.target() + (Boolean.TRUE.equals(f.met()) ? "  met" : "  MISSED");
    }

    private static String load(double[] load) {
        return java.util.Arrays.stream(load).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
                .collect(Collectors.joining("/"));
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : Double.NaN;
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            // numbers read better right-aligned; labels and targets left-aligned
            line.append(i == 3 ? " ".repeat(width[i] - cell.length()) + cell
                    : cell + " ".repeat(width[i] - cell.length()));
            if (i < cells.length - 1) {
                line.append("  ");
            }
        }
        out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
}
