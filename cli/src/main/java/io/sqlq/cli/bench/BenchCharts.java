package io.sqlq.cli.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The report's PNG charts (XChart): throughput and latency by mode ({@code by-mode.png}), by the
 * database's starting size with the S3 bytes uploaded per statement ({@code by-size.png}), and
 * by the number of databases ({@code by-databases.png}). Log scales wherever the modes differ by
 * orders of magnitude. Drawn headless.
 */
final class BenchCharts {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 480;
  /** One colour per mode (and per percentile) in every chart. */
  private static final Map<String, Color> COLORS = Map.of("sqlite", new Color(0x1f77b4), "applier",
      new Color(0xff7f0e), "pipeline", new Color(0x9467bd), "baseline", new Color(0x2ca02c), "p50",
      new Color(0x9ecae1), "p95", new Color(0x4292c6), "p99", new Color(0x08519c));

  private BenchCharts() {}

  static void write(BenchReport report, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Figures> results = report.results();
    List<String> modes = distinct(results, Figures::mode, f -> true);

    List<String> workloads = distinct(results, Figures::workload, f -> true);
    CategoryChart throughput = chart("Statements/s by mode (log scale)", "workload", "statements/s", true);
    for (String mode : modes) {
      series(throughput, mode, workloads, w -> find(results, w, mode), Figures::statementsPerSecond);
    }
    String reference = workloads.contains("chinook") ? "chinook" : workloads.isEmpty() ? "" : workloads.get(0);
    CategoryChart latency = chart("Latency on " + reference + " (log scale)", "mode", "ms", true);
    for (String percentile : List.of("p50", "p95", "p99")) {
      series(latency, percentile, modes, m -> find(results, reference, m), f -> f.latencyMs().get(percentile));
    }
    save(List.of(throughput, latency), dir.resolve("by-mode.png"));

    Predicate<Figures> bySize = f -> f.series().equals("size");
    List<String> sizes = distinct(results, BenchCharts::sizeLabel, bySize);
    CategoryChart sizeThroughput = chart("Inserts/s by starting size (log scale)", "database at start", "statements/s",
        true);
    CategoryChart bytesUp = chart("S3 bytes up per statement (log scale)", "database at start", "bytes", true);
    CategoryChart sizeLatency = chart("Latency p50 by starting size (log scale)", "database at start", "ms", true);
    for (String mode : distinct(results, Figures::mode, bySize)) {
      Function<String, Figures> at = s -> results.stream().filter(bySize)
          .filter(f -> f.mode().equals(mode) && sizeLabel(f).equals(s)).findFirst().orElse(null);
      series(sizeThroughput, mode, sizes, at, Figures::statementsPerSecond);
      series(sizeLatency, mode, sizes, at, f -> f.latencyMs().get("p50"));
      if (mode.equals("pipeline") || mode.equals("baseline")) {
        series(bytesUp, mode, sizes, at, Figures::s3BytesUpPerStatement);
      }
    }
    save(List.of(sizeThroughput, bytesUp, sizeLatency), dir.resolve("by-size.png"));

    Predicate<Figures> byCount = f -> f.series().equals("databases");
    List<String> counts = distinct(results, f -> Integer.toString(f.databases()), byCount);
    CategoryChart countThroughput = chart("Statements/s by databases at once (log scale)", "databases",
        "statements/s", true);
    CategoryChart countLatency = chart("Latency p50 by databases at once (log scale)", "databases", "ms", true);
    for (String mode : distinct(results, Figures::mode, byCount)) {
      Function<String, Figures> at = c -> results.stream().filter(byCount)
          .filter(f -> f.mode().equals(mode) && Integer.toString(f.databases()).equals(c)).findFirst().orElse(null);
      series(countThroughput, mode, counts, at, Figures::statementsPerSecond);
      series(countLatency, mode, counts, at, f -> f.latencyMs().get("p50"));
    }
    save(List.of(countThroughput, countLatency), dir.resolve("by-databases.png"));
  }

  private static String sizeLabel(Figures f) {
    return String.format(java.util.Locale.ROOT, "%.0f MB", f.startMb());
  }

  private static Figures find(List<Figures> results, String workload, String mode) {
    return results.stream().filter(f -> f.workload().equals(workload) && f.mode().equals(mode)).findFirst()
        .orElse(null);
  }

  private static List<String> distinct(List<Figures> results, Function<Figures, String> key, Predicate<Figures> which) {
    Set<String> seen = new LinkedHashSet<>();
    results.stream().filter(which).map(key).forEach(seen::add);
    return new ArrayList<>(seen);
  }

  private static CategoryChart chart(String title, String x, String y, boolean log) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x)
        .yAxisTitle(y).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setYAxisLogarithmic(log);
    chart.getStyler().setYAxisMin(null);
    chart.getStyler().setOverlapped(false);
    return chart;
  }

  /**
   * Adds a series of {@code name} over {@code categories}; a category without a figure (or with
   * one that a log scale cannot show) is left out of the series. A series with no figure at all
   * is not added.
   */
  private static void series(CategoryChart chart, String name, List<String> categories,
      Function<String, Figures> figures, Function<Figures, Double> value) {
    // A log scale needs a floor above zero (bars start there): the decade below the smallest figure.
    List<String> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (String category : categories) {
      Figures f = figures.apply(category);
      Double v = f == null ? null : value.apply(f);
      xs.add(category);
      ys.add(v == null || v <= 0 ? null : v);
    }
    if (ys.stream().anyMatch(v -> v != null)) {
      chart.addSeries(name, xs, ys).setFillColor(COLORS.getOrDefault(name, Color.GRAY));
      double smallest = ys.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).min().orElseThrow();
      double floor = Math.pow(10, Math.floor(Math.log10(smallest)) - 1);
      Double current = chart.getStyler().getYAxisMin();
      if (current == null || floor < current) {
        chart.getStyler().setYAxisMin(floor);
      }
    }
  }

  private static void save(List<CategoryChart> charts, Path file) throws IOException {
    for (CategoryChart chart : charts) {
      if (chart.getSeriesCollection().isEmpty()) {
        // Nothing of this kind ran: an empty chart that says so, on a scale XChart can draw.
        chart.setTitle(chart.getTitle() + ": not in this run");
        chart.getStyler().setYAxisMin(1.0);
      }
    }
    BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapFormat.PNG);
  }
}
