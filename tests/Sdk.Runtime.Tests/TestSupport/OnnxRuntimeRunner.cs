using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.TestSupport
{
    /// <summary>Runs an exported model in ONNX Runtime (the peer) on a batch and returns the flattened output.</summary>
    public static class OnnxRuntimeRunner
    {
        public static float[] Run(InferenceSession session, NetworkPlan plan, float[] input, int batch)
        {
            using (session)
            {
                int[] shape = [batch, .. plan.InputShape];
                var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(input, shape)) };
                using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(feed);
                DisposableNamedOnnxValue result = Assert.Single(results);
                Assert.Equal(OnnxExporter.OutputName, result.Name);
                Tensor<float> tensor = result.AsTensor<float>();
                Assert.Equal([batch, .. plan.Layers[^1].OutputShape], tensor.Dimensions.ToArray());
                return tensor.ToArray();
            }
        }

        public static float[] Run(NetworkPlan plan, ParameterSet parameters, float[] input, int batch) =>
            Run(new InferenceSession(OnnxExporter.ExportToBytes(plan, parameters)), plan, input, batch);
    }
}
