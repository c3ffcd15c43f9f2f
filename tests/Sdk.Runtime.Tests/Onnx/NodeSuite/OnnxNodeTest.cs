using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// One test of the ONNX backend node suite: a folder holding <c>model.onnx</c> (a graph of a
    /// single node) and <c>test_data_set_*/input_*.pb</c> / <c>output_*.pb</c> tensors. Used as the
    /// conformance reference for kernels.
    /// </summary>
    public sealed class OnnxNodeTest
    {
        private OnnxNodeTest(string name, string directory, OnnxModel model, IReadOnlyList<OnnxTestDataSet> dataSets)
        {
            Name = name;
            Directory = directory;
            Model = model;
            DataSets = dataSets;
        }

        /// <summary>The folder name, e.g. <c>test_conv_with_strides_padding</c>.</summary>
        public string Name { get; }

        /// <summary>The test's folder.</summary>
        public string Directory { get; }

        /// <summary>The whole model, for what the node alone does not say (declared types and shapes).</summary>
        public OnnxModel Model { get; }

        /// <summary>The operator under test.</summary>
        public OnnxNode Node => Model.Nodes[0];

        /// <summary>The default-domain operator set the test was written for.</summary>
        public long OpsetVersion => Model.OpsetVersion;

        /// <summary>Graph input names, in the order of <c>input_0.pb</c>, <c>input_1.pb</c>, ...</summary>
        public IReadOnlyList<string> InputNames => Model.Inputs.Select(i => i.Name).ToArray();

        /// <summary>Graph output names, in the order of <c>output_0.pb</c>, ...</summary>
        public IReadOnlyList<string> OutputNames => Model.Outputs.Select(o => o.Name).ToArray();

        /// <summary>The input/expected-output sets, in folder order.</summary>
        public IReadOnlyList<OnnxTestDataSet> DataSets { get; }

        /// <summary>Loads a test folder and all its tensors.</summary>
        /// <exception cref="OnnxFormatException">
        /// The folder is not a single-node tensor test (several nodes, sequence inputs, string tensors),
        /// or a file is malformed.
        /// </exception>
        public static OnnxNodeTest Load(string directory)
        {
            ArgumentException.ThrowIfNullOrEmpty(directory);
            string modelPath = Path.Combine(directory, "model.onnx");
            if (!File.Exists(modelPath))
            {
                throw new FileNotFoundException($"No model.onnx in ONNX node test folder '{directory}'.", modelPath);
            }

            OnnxModel model = OnnxModel.Read(modelPath);
            if (model.Nodes.Count != 1)
            {
                throw new OnnxFormatException(modelPath, $"the graph has {model.Nodes.Count} nodes; a node test has exactly one.");
            }

            OnnxValueInfo? nonTensor = model.Inputs.Concat(model.Outputs).FirstOrDefault(v => !v.IsTensor);
            if (nonTensor is not null)
            {
                throw new OnnxFormatException(modelPath, $"'{nonTensor.Name}' is not a tensor (sequence, map and optional values are not supported).");
            }

            var dataSets = System.IO.Directory.GetDirectories(directory, "test_data_set_*")
                .OrderBy(IndexSuffix)
                .Select(d => LoadDataSet(d, model))
                .ToArray();
            return new OnnxNodeTest(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), directory, model, dataSets);
        }

        private static OnnxTestDataSet LoadDataSet(string directory, OnnxModel model)
        {
            OnnxTensor[] inputs = LoadTensors(directory, "input_");
            OnnxTensor[] outputs = LoadTensors(directory, "output_");
            if (inputs.Length != model.Inputs.Count || outputs.Length != model.Outputs.Count)
            {
                throw new OnnxFormatException(
                    directory,
                    $"holds {inputs.Length} inputs and {outputs.Length} outputs, but the graph declares {model.Inputs.Count} and {model.Outputs.Count}.");
            }

            return new OnnxTestDataSet(Path.GetFileName(directory), inputs, outputs);
        }

        private static OnnxTensor[] LoadTensors(string directory, string prefix) =>
            System.IO.Directory.GetFiles(directory, prefix + "*.pb")
                .OrderBy(IndexSuffix)
                .Select(OnnxTensor.Read)
                .ToArray();

        // input_10.pb sorts after input_9.pb: order by the number, not the text.
        private static int IndexSuffix(string path)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            int underscore = name.LastIndexOf('_');
            return int.TryParse(name.AsSpan(underscore + 1), out int index) ? index : int.MaxValue;
        }
    }
}
