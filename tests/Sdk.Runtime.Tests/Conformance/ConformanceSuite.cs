using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.Onnx;

namespace Sdk.Runtime.Tests.Conformance
{
    /// <summary>How one node-test folder went on a backend.</summary>
    public enum ConformanceResult
    {
        Passed,
        Declined,
        Failed,
    }

    /// <summary>The outcome of one folder: the result and, unless it passed, why.</summary>
    public sealed record ConformanceOutcome(string Folder, string Op, ConformanceResult Result, string Message);

    /// <summary>
    /// The operators under test and their ONNX backend node-test folders, and the check of one folder:
    /// every data set run through <see cref="OnnxNodeRunner"/> and compared with the expected tensors.
    /// </summary>
    public static class ConformanceSuite
    {
        /// <summary>
        /// Relative tolerance: ONNX's own backend-test default (onnx/backend/test/loader: rtol = 1e-3).
        /// </summary>
        public const double RelativeTolerance = 1e-3;

        /// <summary>
        /// Absolute tolerance: ONNX's own backend-test default (onnx/backend/test/loader: atol = 1e-7).
        /// </summary>
        public const double AbsoluteTolerance = 1e-7;

        /// <summary>Each operator with the folder prefixes (<see cref="OnnxNodeTests.Find"/>) that hold its tests.</summary>
        public static readonly IReadOnlyList<(string Op, string[] Prefixes)> Operators =
        [
            ("Conv", ["conv", "basic_conv"]),
            ("Gemm", ["gemm"]),
            ("MatMul", ["matmul"]),
            ("Relu", ["relu"]),
            ("Sigmoid", ["sigmoid"]),
            ("Tanh", ["tanh"]),
            ("MaxPool", ["maxpool"]),
            ("AveragePool", ["averagepool"]),
            ("GlobalAveragePool", ["globalaveragepool"]),
            ("BatchNormalization", ["batchnorm"]),
            ("Softmax", ["softmax"]),
            ("Add", ["add"]),
            ("Concat", ["concat"]),
            ("Flatten", ["flatten"]),
        ];

        private static readonly Lazy<IReadOnlyList<(string Op, string Folder)>> AllFolders = new(FindFolders);

        /// <summary>
        /// Every installed folder of every operator, as (op, folder name); a folder found by a prefix whose
        /// node is another operator is left out. Empty when the suite is not installed.
        /// </summary>
        public static IReadOnlyList<(string Op, string Folder)> Folders => AllFolders.Value;

        /// <summary>Runs every data set of <paramref name="folder"/> (a folder name under the suite root) on <paramref name="backend"/>.</summary>
        public static ConformanceOutcome Check(IKernelBackend backend, string op, string folder)
        {
            OnnxNodeTest test;
            try
            {
                test = OnnxNodeTest.Load(Path.Combine(OnnxNodeTests.ResolveRoot(), folder));
            }
            catch (Exception e) when (e is OnnxFormatException or IOException)
            {
                return new ConformanceOutcome(folder, op, ConformanceResult.Failed, $"does not load: {e.Message}");
            }

            if (test.Node.OpType != op)
            {
                return new ConformanceOutcome(folder, op, ConformanceResult.Failed, $"the node is {test.Node.OpType}, not {op}");
            }

            if (test.DataSets.Count == 0)
            {
                return new ConformanceOutcome(folder, op, ConformanceResult.Failed, "no test_data_set_* folder");
            }

            foreach (OnnxTestDataSet data in test.DataSets)
            {
                var byName = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
                foreach (OnnxTensor initializer in test.Model.Initializers)
                {
                    byName[initializer.Name] = initializer;
                }

                for (int i = 0; i < test.InputNames.Count; i++)
                {
                    byName[test.InputNames[i]] = data.Inputs[i];
                }

                OnnxTensor?[] inputs = [.. test.Node.Inputs.Select(name => name.Length == 0 ? null : byName.GetValueOrDefault(name))];
                IReadOnlyList<OnnxTensor> actual;
                try
                {
                    actual = OnnxNodeRunner.Run(backend, test.Node, test.OpsetVersion, inputs);
                }
                catch (NotSupportedException e)
                {
                    return new ConformanceOutcome(folder, op, ConformanceResult.Declined, e.Message);
                }
                catch (Exception e)
                {
                    return new ConformanceOutcome(folder, op, ConformanceResult.Failed, $"{data.Name}: {e.GetType().Name}: {e.Message}");
                }

                for (int o = 0; o < test.OutputNames.Count; o++)
                {
                    int index = test.Node.Outputs.ToList().IndexOf(test.OutputNames[o]);
                    if (index < 0 || index >= actual.Count)
                    {
                        return new ConformanceOutcome(folder, op, ConformanceResult.Failed, $"{data.Name}: output '{test.OutputNames[o]}' was not computed");
                    }

                    string? mismatch = Compare(actual[index], data.Outputs[o]);
                    if (mismatch is not null)
                    {
                        return new ConformanceOutcome(folder, op, ConformanceResult.Failed, $"{data.Name}, output '{test.OutputNames[o]}': {mismatch}");
                    }
                }
            }

            return new ConformanceOutcome(folder, op, ConformanceResult.Passed, "");
        }

        /// <summary>
        /// numpy.testing.assert_allclose, as ONNX's backend test runner calls it: equal shapes, and
        /// |actual - expected| &lt;= atol + rtol * |expected| for every element (NaN matches NaN, an infinity itself).
        /// Returns null when close, else a description of the worst element.
        /// </summary>
        public static string? Compare(OnnxTensor actual, OnnxTensor expected)
        {
            if (!actual.Shape.SequenceEqual(expected.Shape))
            {
                return $"shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", expected.Shape)}]";
            }

            float[] a = actual.ToFloatArray(), e = expected.ToFloatArray();
            int bad = 0, worst = -1;
            double worstExcess = 0;
            for (int i = 0; i < e.Length; i++)
            {
                if (float.IsNaN(e[i]) || float.IsInfinity(e[i]))
                {
                    bool same = float.IsNaN(e[i]) ? float.IsNaN(a[i]) : a[i] == e[i];
                    if (!same)
                    {
                        bad++;
                        worst = worst < 0 ? i : worst;
                    }

                    continue;
                }

                double excess = Math.Abs((double)a[i] - e[i]) - (AbsoluteTolerance + (RelativeTolerance * Math.Abs((double)e[i])));
                if (!(excess <= 0))
                {
                    bad++;
                    if (worst < 0 || excess > worstExcess || double.IsNaN(excess))
                    {
                        (worst, worstExcess) = (i, double.IsNaN(excess) ? double.PositiveInfinity : excess);
                    }
                }
            }

            return bad == 0
                ? null
                : $"{bad} of {e.Length} elements differ beyond rtol {RelativeTolerance}, atol {AbsoluteTolerance}; worst at {worst}: {a[worst]:R}, expected {e[worst]:R}";
        }

        private static IReadOnlyList<(string Op, string Folder)> FindFolders()
        {
            var result = new List<(string, string)>();
            foreach ((string op, string[] prefixes) in Operators)
            {
                foreach (string directory in prefixes.SelectMany(p => OnnxNodeTests.Find(p)).Distinct().Order(StringComparer.Ordinal))
                {
                    // A prefix can catch another operator's folder (a newer suite's test_add_*): keep the op's own,
                    // and any folder whose model does not read (Check then reports it as failed).
                    string? nodeOp = NodeOpType(directory);
                    if (nodeOp is null || nodeOp == op)
                    {
                        result.Add((op, Path.GetFileName(directory)));
                    }
                }
            }

            return result;
        }

        private static string? NodeOpType(string directory)
        {
            try
            {
                OnnxModel model = OnnxModel.Read(Path.Combine(directory, "model.onnx"));
                return model.Nodes.Count == 1 ? model.Nodes[0].OpType : null;
            }
            catch (OnnxFormatException)
            {
                return null;
            }
        }
    }
}
