/**
 * BERT weights from ONNX exports, with no ONNX or protobuf runtime: a small wire-format reader
 * ({@code ProtoReader}) walks {@code ModelProto.graph}, {@link dev.jbert.bert.onnx.OnnxCheckpointFile}
 * names the initializers as Hugging Face names the parameters (so
 * {@link dev.jbert.bert.checkpoint.Checkpoint#open} accepts an {@code .onnx} file),
 * {@link dev.jbert.bert.onnx.OnnxModelFolder} turns an export into a Hugging Face folder, and
 * {@link dev.jbert.bert.onnx.DefaultModel} does so for the built-in all-MiniLM-L6-v2 shipped in
 * a Maven Central jar. Converted folders live in {@link dev.jbert.bert.onnx.ModelCache}.
 */
package dev.jbert.bert.onnx;
