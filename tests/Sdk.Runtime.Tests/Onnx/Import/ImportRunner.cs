using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx.Import
{
    /// <summary>Runs an imported network on CPU chips and the ONNX model it came from in ONNX Runtime.</summary>
    public static class ImportRunner
    {
        public static float[] RunImported(OnnxImport imported, float[] input, int batch)
        {
            using var chips = ChipSet.Cpu(imported.Plan.Chips.Count);
            using var model = Model.Create(imported.Plan, imported.Parameters, chips);
            return model.Run(input, batch);
        }

        /// <summary>The model's one output for the input tensor <c>[batch, ...sampleShape]</c> fed to its first input.</summary>
        public static float[] RunOnnxRuntime(byte[] model, string inputName, float[] input, int batch, IEnumerable<int> sampleShape)
        {
            using var session = new InferenceSession(model);
            int[] shape = [batch, .. sampleShape];
            var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape)) };
            using var results = session.Run(feed);
            return results.First().AsTensor<float>().ToArray();
        }
    }
}
