package dev.jbert.heads;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.heads.predict.Thresholds;
import dev.jbert.core.data.Batch;
import dev.jbert.core.metrics.NerReport;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluator's predictions against the ones transformers made on the same fixtures. */
class ClassifierEvaluatorTest {

    @Test
    void singleLabelAccuracyComesFromTheReferenceArgmax() {
        JsonNode ref = FixtureModels.reference("seq-cls");
        ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.labels("seq-cls"));
        ClassifierModel model = SavedClassifier.open(Fixtures.folder("seq-cls"), spec, 0, TrainedParameters.ALL);
        Batch batch = FixtureModels.batch(ref.get("inputs"), FixtureModels.classLabels(ref.get("labels")));
        Map<String, Double> metrics = new ClassifierEvaluator(spec, List.of(batch), Thresholds.global(0.5)).evaluate(model);

        int correct = 0;
        JsonNode logits = ref.get("logits");
        for (int i = 0; i < logits.size(); i++) {
            int best = 0;
            for (int c = 1; c < logits.get(i).size(); c++) if (logits.get(i).get(c).asDouble() > logits.get(i).get(best).asDouble()) best = c;
            if (best == ref.get("labels").get(i).asInt()) correct++;
        }
        assertEquals((double) correct / logits.size(), metrics.get("accuracy"), 1e-12);
        assertEquals(ref.get("losses").get("cross_entropy_transformers").asDouble(), metrics.get("loss"), 1e-5);
        assertTrue(metrics.containsKey("f1_macro") && metrics.containsKey("mcc"), metrics.keySet().toString());
    }

    /** transformers' first-subword predictions, scored by conlleval, are what our evaluator scores. */
    @Test
    void tokenPredictionsAtFirstSubwordsMatchTransformers() {
        JsonNode ref = FixtureModels.reference("token-cls");
        JsonNode inputs = ref.get("inputs_continuation_ignore");
        Path dir = Fixtures.folder("token-cls");
        ClassifierSpec spec = SavedClassifier.specOf(dir);
        ClassifierModel model = SavedClassifier.open(dir, spec, 0, TrainedParameters.ALL);
        Batch batch = FixtureModels.batch(inputs, FixtureModels.tokenLabels(inputs));
        ClassifierEvaluator.Result result = new ClassifierEvaluator(spec, List.of(batch), Thresholds.global(0.5)).evaluateWithReport(model);

        List<List<String>> gold = new ArrayList<>(), predicted = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            // gold tags of the words that produced a token (a zero-width word produces none)
            List<String> g = new ArrayList<>(), p = new ArrayList<>();
            for (JsonNode label : inputs.get(i).get("labels")) {
                if (label.asInt() != -100) g.add(spec.labels().get(label.asInt()));
            }
            ref.get("predicted_tags_first_subword").get(i).forEach(t -> p.add(t.asText()));
            gold.add(g);
            predicted.add(p);
        }
        NerReport expected = dev.jbert.core.metrics.ConllEval.evaluate(gold, predicted);
        assertEquals(expected, result.report());
        assertEquals(expected.overall().f1(), result.metrics().get("entity_f1"), 1e-12);
    }

    @Test
    void emptyValidationSetIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassifierEvaluator(ClassifierSpec.of(Task.SINGLE_LABEL, 2), List.of(), Thresholds.global(0.5)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
