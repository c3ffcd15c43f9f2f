using Sdk.Runtime.Onnx;
using System.Collections.Generic;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>One <c>test_data_set_*</c> folder: the input tensors and the expected outputs, in graph order.</summary>
    public sealed record OnnxTestDataSet(string Name, IReadOnlyList<OnnxTensor> Inputs, IReadOnlyList<OnnxTensor> Outputs);
}
