using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;
using Xunit.Abstractions;

namespace Sdk.Runtime.Tests.Onnx.Import
{
    /// <summary>
    /// ONNX models imported as networks compute what ONNX Runtime computes on the same input, within
    /// <see cref="Tolerance.Default"/>: our own exports (a round trip), models exported by PyTorch (Data/onnx, made by
    /// make_torch_models.py), and the ONNX node tests whose operator has an SDK layer. What has none is an error that
    /// names the node, the operator and the attribute.
    /// </summary>
    public class OnnxImporterTests(ITestOutputHelper output)
    {
        private const int Batch = 3;

        public static TheoryData<string> ExportedNetworks() => new("FashionCnn", "ResidualSkip", "OddNames");

        private static NetworkPlan Exported(string name) => name switch
        {
            "FashionCnn" => FashionCnn.Plan,
            "ResidualSkip" => ResidualSkip.Plan,
            _ => OddNames.Plan,
        };

        [Theory]
        [MemberData(nameof(ExportedNetworks))]
        public void Our_export_imported_computes_what_the_network_and_onnx_runtime_compute(string name)
        {
            NetworkPlan plan = Exported(name);
            ParameterSet parameters = TestParameters.Random(plan, seed: 11);
            float[] input = TestParameters.Input(Batch, plan.InputShape, seed: 12);
            byte[] bytes = OnnxExporter.ExportToBytes(plan, parameters);

            OnnxImport imported = OnnxImporter.Import(OnnxModel.Parse(bytes), new OnnxImportOptions { Name = name });
            float[] actual = ImportRunner.RunImported(imported, input, Batch);

            float[] onnxRuntime = ImportRunner.RunOnnxRuntime(bytes, OnnxExporter.InputName, input, Batch, plan.InputShape);
            output.WriteLine($"{name}: imported vs ONNX Runtime {Tolerance.AssertClose(onnxRuntime, actual, Tolerance.Default, name):E2}");
            using var chips = ChipSet.Cpu(plan.Chips.Count);
            using var original = Model.Create(plan, parameters, chips);
            Tolerance.AssertClose(original.Run(input, Batch), actual, Tolerance.Default, name);
            Assert.Equal(plan.InputShape, imported.Spec.InputShape);
        }

        [Fact]
        public void Exported_layers_come_back_as_the_layers_they_were()
        {
            NetworkPlan plan = ResidualSkip.Plan;
            OnnxImport imported = OnnxImporter.Import(OnnxModel.Parse(OnnxExporter.ExportToBytes(plan, TestParameters.Random(plan, 1))));

            // The plan's BatchNorms after a convolution fold into it (their activation with them); the rest keep their kind.
            var kinds = plan.Layers.Where(l => l.Kind != LayerKind.BatchNorm || plan.Layers[l.Inputs[0]].Kind != LayerKind.Conv2D).Select(l => l.Kind);
            Assert.Equal(kinds, imported.Plan.Layers.Select(l => l.Kind));
            Assert.Equal(plan.Layers.Count(l => l.Activation != Activation.None), imported.Plan.Layers.Count(l => l.Activation != Activation.None));
            Assert.Equal(plan.Output.OutputShape, imported.Plan.Output.OutputShape);
        }

        [Fact]
        public void Initializers_listed_as_graph_inputs_import_the_same()
        {
            NetworkPlan plan = FashionCnn.Plan;
            byte[] bytes = OnnxExporter.ExportToBytes(plan, TestParameters.Random(plan, 2));
            OnnxModel listedModel = OnnxModel.Parse(OnnxModels.WithInitializersAsInputs(bytes));
            OnnxImport plain = OnnxImporter.Import(OnnxModel.Parse(bytes));
            OnnxImport listed = OnnxImporter.Import(listedModel);

            Assert.Equal(listedModel.Initializers.Count + 1, listedModel.Inputs.Count);
            Assert.Equal(plain.Spec, listed.Spec);
            Assert.All(plain.Parameters.Tensors, t => Assert.Equal(plain.Parameters[t.Name], listed.Parameters[t.Name]));
        }

        public static TheoryData<string> TorchModels() =>
            new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Data", "onnx"), "*.onnx").Select(Path.GetFileNameWithoutExtension).Order()!);

        [Theory]
        [MemberData(nameof(TorchModels))]
        public void PyTorch_exports_compute_what_onnx_runtime_computes_on_one_two_and_auto_placed_chips(string name)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Data", "onnx", name + ".onnx");
            OnnxModel model = OnnxModel.Read(path);
            int batch = (int)(model.Inputs[0].Dims![0].Value ?? Batch);   // a model exported with a fixed batch runs that batch in ONNX Runtime
            foreach (var chips in new[] { OnnxChips.One, OnnxChips.Even(2), OnnxChips.Auto(3, gflops: 10, linkGigabytesPerSecond: 1) })
            {
                OnnxImport imported = OnnxImporter.Import(path, new OnnxImportOptions { Name = "Torch", Chips = chips });
                float[] input = TestParameters.Input(batch, imported.Spec.InputShape, seed: 21);
                float[] expected = ImportRunner.RunOnnxRuntime(File.ReadAllBytes(path), model.Inputs[0].Name, input, batch, imported.Spec.InputShape);
                float[] actual = ImportRunner.RunImported(imported, input, batch);
                double error = Tolerance.AssertClose(expected, actual, Tolerance.Default, $"{name} on {chips.Count} chips");
                output.WriteLine($"{name}, {chips.Mode} on {chips.Count} chips: {imported.Plan.TrafficSummary}; max relative error {error:E2}");
                Assert.Equal(chips.Count, imported.Plan.Chips.Count);
                Assert.Equal(chips.Count - 1, imported.Plan.Cuts.Select(c => c.FromChip).Distinct().Count());
            }
        }

        [Fact]
        public void PyTorch_batch_norms_fold_into_their_convolutions_and_clips_become_relu6()
        {
            OnnxImport imported = OnnxImporter.Import(Path.Combine(AppContext.BaseDirectory, "Data", "onnx", "cnn_bn_relu6.onnx"));
            OnnxModel model = OnnxModel.Read(Path.Combine(AppContext.BaseDirectory, "Data", "onnx", "cnn_bn_relu6.onnx"));

            Assert.Contains(model.Nodes, n => n.OpType == "BatchNormalization");
            Assert.Contains(model.Nodes, n => n.OpType == "Clip");
            Assert.DoesNotContain(imported.Plan.Layers, l => l.Kind is LayerKind.BatchNorm or LayerKind.Activation);
            Assert.Contains(imported.Plan.Layers, l => l.Kind == LayerKind.Conv2D && l.Activation == Activation.Relu6);
        }

        /// <summary>The node tests whose graph is one layer over a [N, C, H, W] or [N, F] input, the other inputs made initializers.</summary>
        public static TheoryData<string> FittingNodeTests() => new(
            "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_conv_with_strides_padding", "test_conv_with_strides_no_padding",
            "test_maxpool_2d_default", "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_strides", "test_maxpool_2d_strides",
            "test_averagepool_2d_default", "test_averagepool_2d_precomputed_pads", "test_averagepool_2d_precomputed_strides", "test_averagepool_2d_strides",
            "test_globalaveragepool", "test_globalaveragepool_precomputed",
            "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_no_bias", "test_gemm_default_vector_bias", "test_gemm_default_single_elem_vector_bias",
            "test_gemm_default_scalar_bias", "test_gemm_default_zero_bias", "test_gemm_transposeB", "test_matmul_2d",
            "test_batchnorm_epsilon", "test_batchnorm_example", "test_flatten_axis1", "test_flatten_default_axis", "test_flatten_negative_axis3",
            "test_softmax_example");

        [OnnxNodeTestsTheory]
        [MemberData(nameof(FittingNodeTests))]
        public void Node_tests_import_and_compute_their_outputs(string test)
        {
            OnnxNodeTest node = OnnxNodeTest.Load(Path.Combine(OnnxNodeTests.ResolveRoot(), test));
            foreach (var set in node.DataSets)
            {
                OnnxImport imported = OnnxImporter.Import(OnnxModel.Parse(OnnxModels.WithConstantInputs(node.Model, set.Inputs)), source: test);
                float[] actual = ImportRunner.RunImported(imported, set.Inputs[0].ToFloatArray(), set.Inputs[0].Shape[0]);
                double error = Tolerance.AssertClose(set.Outputs[0].ToFloatArray(), actual, Tolerance.Default, test);
                output.WriteLine($"{test}: {string.Join(", ", imported.Layers.Select(l => l.ToCSharp()))}; max relative error {error:E2}");
            }
        }

        /// <summary>Node tests of operators or attributes without an SDK layer: the error names the attribute.</summary>
        public static TheoryData<string, string> UnfittingNodeTests() => new()
        {
            { "test_conv_with_autopad_same", "auto_pad" },
            { "test_conv_with_strides_and_asymmetric_padding", "pads" },
            { "test_maxpool_2d_ceil", "ceil_mode" },
            { "test_maxpool_2d_dilations", "dilations" },
            { "test_maxpool_2d_same_upper", "auto_pad" },
            { "test_averagepool_2d_pads_count_include_pad", "count_include_pad" },
            { "test_gemm_transposeA", "transA" },
            { "test_flatten_axis2", "axis" },
            { "test_batchnorm_example_training_mode", "training_mode" },
        };

        [OnnxNodeTestsTheory]
        [MemberData(nameof(UnfittingNodeTests))]
        public void Node_tests_without_an_sdk_layer_name_the_node_the_operator_and_the_attribute(string test, string attribute)
        {
            OnnxNodeTest node = OnnxNodeTest.Load(Path.Combine(OnnxNodeTests.ResolveRoot(), test));
            var error = Assert.Throws<OnnxImportException>(() =>
                OnnxImporter.Import(OnnxModel.Parse(OnnxModels.WithConstantInputs(node.Model, node.DataSets[0].Inputs)), source: test));
            Assert.Equal(node.Node.OpType, error.OpType);
            Assert.Equal(attribute, error.Attribute);
            Assert.Contains($"node '{error.Node}' ({node.Node.OpType}), attribute '{attribute}'", error.Message);
            output.WriteLine(error.Message);
        }

        /// <summary>Each unsupported operator or attribute, on a hand-made graph: (the node, the attribute, a word of the reason).</summary>
        public static TheoryData<string, string?, string> UnsupportedGraphs() => new()
        {
            { "LeakyRelu", null, "no SDK layer" },
            { "CustomDomain", null, "domain 'com.example'" },
            { "Clip01", "max", "only ReLU" },
            { "RectangularKernel", "kernel_shape", "square" },
            { "AsymmetricStrides", "strides", "square" },
            { "ComputedWeight", "W", "must be a constant" },
            { "SoftmaxOverWidth", "axis", "over the channels" },
            { "ReshapeNotFlatten", "shape", "flatten" },
            { "ConcatOverHeight", "axis", "channels" },
            { "AddConstant", "shift", "bias of the MatMul" },
            { "MatMulOfImage", "B", "dense layer" },
            { "MaxPoolIndices", "Indices", "indices" },
            { "DropoutMask", "training_mode", "inference Dropout" },
            { "GemmMatrixBias", "C", "one value per unit" },
            { "LaterLayerReadsInput", "x", "first layer" },
        };

        [Theory]
        [MemberData(nameof(UnsupportedGraphs))]
        public void Unsupported_operators_and_attributes_name_the_node_the_operator_and_the_attribute(string graph, string? attribute, string reason)
        {
            var (model, node) = OnnxModels.Unsupported(graph);
            var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(OnnxModel.Parse(model), source: graph + ".onnx"));
            output.WriteLine(error.Message);
            Assert.Equal(node.Name, error.Node);
            Assert.Equal(node.OpType, error.OpType);
            Assert.Equal(attribute, error.Attribute);
            Assert.StartsWith($"ONNX file '{graph}.onnx', node '{node.Name}' ({node.OpType})", error.Message);
            Assert.Contains(reason, error.Message);
        }

        [Fact]
        public void Graph_level_problems_are_errors_too()
        {
            var two = new OnnxModelBuilder("two").AddInput("a", OnnxDim.Batch, 4).AddInput("b", OnnxDim.Batch, 4).AddNode("Add", ["a", "b"], ["y"]).AddOutput("y", OnnxDim.Batch, 4);
            Assert.Contains("2 inputs that are not initializers (a, b)", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(OnnxModel.Parse(two.ToBytes()))).Message);

            var rank3 = new OnnxModelBuilder("rank3").AddInput("a", OnnxDim.Batch, 4, 5).AddNode("Relu", ["a"], ["y"]).AddOutput("y", OnnxDim.Batch, 4, 5);
            Assert.Contains("[N, C, H, W] or [N, F]", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(OnnxModel.Parse(rank3.ToBytes()))).Message);
        }

        [Fact]
        public void The_class_has_one_attribute_line_per_layer_and_the_chips_of_the_placement()
        {
            NetworkPlan plan = OddNames.Plan;
            OnnxModel model = OnnxModel.Parse(OnnxExporter.ExportToBytes(plan, TestParameters.Random(plan, 3)));
            OnnxImport imported = OnnxImporter.Import(model, new OnnxImportOptions { Name = "Odd", Chips = OnnxChips.Manual(["Dense2"], linkGigabytesPerSecond: 0.5) });

            Assert.Equal("""
                // Imported from ONNX '<memory>' by sdk-onnx. Weights: new Odd().Parameters.Load("Odd.safetensors").
                using Sdk;

                namespace My.Nets;

                [Network(InputShape = new[] { 6 })]
                [Link(0, 1, GigabytesPerSecond = 0.5)]
                public partial class Odd
                {
                    [OnChip(0), Dense(5, Activation = Activation.Tanh)] // input/linear
                    public partial Layer Dense1 { get; }

                    [OnChip(1), Dense(4)] // output_1
                    public partial Layer Dense2 { get; }
                }

                """.Replace("\r\n", "\n"), WriteLine(imported.ToCSharp("My.Nets", "Odd.safetensors")));
            Assert.Single(imported.Plan.Cuts);
        }

        private string WriteLine(string text)
        {
            output.WriteLine(text);
            return text;
        }

        [Fact]
        public void Placements_split_where_they_say()
        {
            NetworkPlan plan = ResidualSkip.Plan;
            OnnxModel model = OnnxModel.Parse(OnnxExporter.ExportToBytes(plan, TestParameters.Random(plan, 4)));
            string[] names = OnnxImporter.Import(model).Layers.Select(l => l.Name).ToArray();

            OnnxImport even = OnnxImporter.Import(model, new OnnxImportOptions { Chips = OnnxChips.Even(3) });
            Assert.Equal(Enumerable.Range(0, names.Length).Select(i => i * 3 / names.Length), even.Plan.Layers.Select(l => l.Chip));

            OnnxImport manual = OnnxImporter.Import(model, new OnnxImportOptions { Chips = OnnxChips.Manual([names[2]]) });
            Assert.Equal(names.Select((_, i) => i < 2 ? 0 : 1), manual.Plan.Layers.Select(l => l.Chip));

            OnnxImport auto = OnnxImporter.Import(model, new OnnxImportOptions { Chips = OnnxChips.Auto(2, gflops: 1, linkGigabytesPerSecond: 10) });
            Assert.Equal(PlacementMode.Auto, auto.Spec.Placement);
            Assert.All(auto.Spec.Layers, l => Assert.Null(l.OnChip));
            Assert.Equal(2, auto.Plan.Chips.Count);

            Assert.Contains("must be layers of the import after the first", Assert.Throws<ArgumentException>(() =>
                OnnxImporter.Import(model, new OnnxImportOptions { Chips = OnnxChips.Manual([names[3], names[1]]) })).Message);
            Assert.Contains("not a C# identifier", Assert.Throws<ArgumentException>(() => OnnxImporter.Import(model, new OnnxImportOptions { Name = "my-net" })).Message);
        }
    }
}
