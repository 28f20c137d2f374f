package dev.jbert.cli;

import dev.jbert.core.ModelFileException;
import dev.jbert.core.train.EvalLog;
import dev.jbert.core.train.StepLog;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


/** PNG plots of a run, drawn with XChart: loss and learning rate per step, a metric per evaluation, the confusion matrix. */
final class Plots {

    static {
        // no display on servers; charts render to images only
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    static void lossAndLearningRate(List<StepLog> steps, Path dir) {
        if (steps.isEmpty()) return;
        double[] x = steps.stream().mapToDouble(StepLog::step).toArray();
        XYChart loss = chart("Training loss", "step", "loss");
        loss.addSeries("loss", x, steps.stream().mapToDouble(StepLog::loss).toArray()).setMarker(SeriesMarkers.NONE);
        save(loss, dir.resolve("loss.png"));
        XYChart lr = chart("Learning rate", "step", "learning rate");
        lr.addSeries("learning rate", x, steps.stream().mapToDouble(StepLog::learningRate).toArray()).setMarker(SeriesMarkers.NONE);
        save(lr, dir.resolve("learning_rate.png"));
    }

    static void metric(List<EvalLog> evaluations, String metric, Path dir) {
        List<EvalLog> withMetric = evaluations.stream().filter(e -> e.metrics().containsKey(metric)).toList();
        if (withMetric.isEmpty()) return;
        XYChart c = chart("Validation " + metric, "step", metric);
        c.addSeries(metric, withMetric.stream().mapToDouble(EvalLog::step).toArray(),
                withMetric.stream().mapToDouble(e -> e.metrics().get(metric)).toArray());
        save(c, dir.resolve("metric_" + metric + ".png"));
    }

    static void confusionMatrix(int[][] matrix, List<String> labels, Path dir) {
        HeatMapChart c = new HeatMapChartBuilder().width(700).height(600).title("Confusion matrix (rows: true, columns: predicted)").build();
        c.getStyler().setShowValue(true);
        c.getStyler().setPlotContentSize(1.0);
        int n = labels.size();
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) cells.add(new Number[]{p, n - 1 - t, matrix[t][p]});
        }
        List<String> reversed = new ArrayList<>(labels);
        java.util.Collections.reverse(reversed);
        c.addSeries("count", labels, reversed, cells);
        try {
            BitmapEncoder.saveBitmap(c, dir.resolve("confusion_matrix.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new ModelFileException(dir.resolve("confusion_matrix.png"), "cannot write the plot: " + e.getMessage(), e);
        }
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendVisible(false);
        return c;
    }

    private static void save(XYChart chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot write the plot: " + e.getMessage(), e);
        }
    }

}
