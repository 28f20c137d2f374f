package dev.jbert.heads;

import dev.jbert.core.data.Label;
import dev.jbert.core.data.SourceLine;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TokenReadOptions;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.train.EvalLog;
import dev.jbert.core.train.LoggingListener;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front door a Java application trains and classifies through (fine-tuning, its arguments, listeners and results,
 * the data it reads, the classifier it serves with) shows no ND4J or SameDiff type in any public signature, so that an
 * application compiles against jbert alone; arrays appear only in the lower-level API beneath it (trainer, models,
 * batches, kernels).
 */
class FrontDoorApiTest {

    private static final List<Class<?>> FRONT_DOOR = List.of(FineTuning.class, TrainingArguments.class, TrainingArguments.Builder.class,
            TrainingListener.class, LoggingListener.class, StepLog.class, EvalLog.class, TrainerState.class, TrainerControl.class,
            TextExample.class, Label.class, SourceLine.class, Task.class, TextReadOptions.class, TokenReadOptions.class,
            MetricReport.class, HeadSpec.class, TrainedParameters.class, TextClassifier.class, InferenceOptions.class,
            Classification.class);

    private static boolean nd4j(Type type) {
        String name = type.getTypeName();
        return name.contains("org.nd4j.") || name.contains("org.bytedeco.");
    }

    private static List<Class<?>> withNestedPublicTypes(List<Class<?>> roots) {
        List<Class<?>> all = new ArrayList<>();
        for (Class<?> c : roots) {
            all.add(c);
            for (Class<?> nested : c.getDeclaredClasses()) {
                if (Modifier.isPublic(nested.getModifiers())) all.addAll(withNestedPublicTypes(List.of(nested)));
            }
        }
        return all;
    }

    private static void check(Executable e, String what, List<String> found) {
        for (Parameter p : e.getParameters()) {
            if (nd4j(p.getParameterizedType())) found.add(what + " takes " + p.getParameterizedType().getTypeName());
        }
    }

    private static List<String> nd4jInSignatures(List<Class<?>> classes) {
        List<String> found = new ArrayList<>();
        for (Class<?> c : classes) {
            if (c.getSuperclass() != null && nd4j(c.getGenericSuperclass())) found.add(c.getName() + " extends " + c.getGenericSuperclass());
            for (Type i : c.getGenericInterfaces()) if (nd4j(i)) found.add(c.getName() + " implements " + i.getTypeName());
            for (Method m : c.getMethods()) {
                if (m.getDeclaringClass() == Object.class) continue;
                String what = c.getName() + "." + m.getName() + "()";
                if (nd4j(m.getGenericReturnType())) found.add(what + " returns " + m.getGenericReturnType().getTypeName());
                check(m, what, found);
            }
            for (Constructor<?> k : c.getConstructors()) check(k, c.getName() + "(constructor)", found);
            for (Field f : c.getFields()) if (nd4j(f.getGenericType())) found.add(c.getName() + "." + f.getName() + " is " + f.getGenericType());
        }
        return found;
    }

    @Test
    void noNd4jTypeInAnyPublicSignature() {
        List<Class<?>> classes = withNestedPublicTypes(FRONT_DOOR);
        assertTrue(classes.size() > FRONT_DOOR.size(), "nested types (FineTuning.Result, ...) are checked too");
        List<String> found = nd4jInSignatures(classes);
        assertTrue(found.isEmpty(), "ND4J types in the front door:\n" + String.join("\n", found));
    }

    @Test
    void theCheckSeesArraysInTheLowerLevelApi() {
        List<String> found = nd4jInSignatures(List.of(ClassifierModel.class));
        assertTrue(found.stream().anyMatch(f -> f.contains("predict()") && f.contains("INDArray")), found.toString());
    }
}
