namespace Sdk.Runtime.Onnx
{
    /// <summary>Options of <see cref="OnnxExporter"/>.</summary>
    public sealed class OnnxExportOptions
    {
        /// <summary>
        /// When true (the default), every cut whose wire format is not Float32 rounds the tensor its readers on the
        /// receiving chip see exactly as the wire does (Float16, BFloat16, Int8: see docs/onnx.md), so the exported model
        /// computes what the split network computes. When false, the model computes the network as if every cut were exact.
        /// </summary>
        public bool EmulateWireFormats { get; init; } = true;

        /// <summary>The ONNX graph's name; the plan's name when null.</summary>
        public string? GraphName { get; init; }
    }
}
