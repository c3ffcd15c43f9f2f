using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.Reference;
using Sdk.Runtime.Tests.TestSupport;
using Xunit.Abstractions;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// Exported models run in ONNX Runtime (float32) and agree with the reference interpreter (double) within
    /// <see cref="Tolerance.Default"/> on batches of 3, wire formats emulated or not.
    /// </summary>
    /// <remarks>
    /// Where a cut rounds (Float16, BFloat16, Int8), float32 and double would otherwise disagree now and then: a value
    /// within a float32 rounding error of a tie between two representable wire values (or, for Int8, two quanta) rounds
    /// one way in ONNX Runtime and the other in the reference, a difference of a whole half-ulp or quantum. So those
    /// networks keep chip 0 exact: inputs and chip 0's parameters are dyadic (multiples of 2^-bits), and the bit budget
    /// below keeps every sum of products within float32's 24 significant bits, so both sides feed the wire identical
    /// float32 values, ties included, and must round them identically.
    /// </remarks>
    public class OnnxExporterTests(ITestOutputHelper output)
    {
        private const int Batch = 3;

        /// <summary>A network with its parameters and a batch of inputs.</summary>
        public sealed record Case(NetworkPlan Plan, ParameterSet Parameters, float[] Input, bool HasRoundingCuts);

        private static readonly Dictionary<string, Func<Case>> Cases = new()
        {
            ["FashionCnn"] = () => Unrounded(FashionCnn.Plan, seed: 1),
            ["ResidualSkip"] = () => Unrounded(ResidualSkip.Plan, seed: 2),
            ["OddNames"] = () => Unrounded(OddNames.Plan, seed: 7),

            // Input on a 2^-6 grid in [-1, 1]; Stem's weights on 2^-8 (|w| <= 1/6): products have 14 fraction bits,
            // |Stem| <= 36/6 + 1/6 < 8, so 17 bits. Encoder weights on 2^-4 (|w| <= 0.36): 18 fraction bits, |sum| <= 8 * 6.2 * 0.36 + 0.4 < 32, so 23 bits.
            ["WireFormats"] = () => Dyadic(Networks.WireFormats.Plan, seed: 3, inputBits: 6, layer => layer.Name switch
            {
                "Stem" => 8,
                "QuantBranch.encoder" => 4,
                _ => null,
            }),

            // Input on 2^-4; Fc1 on 2^-8 (|w| <= 0.21): 12 fraction bits, |Fc1| < 8, 15 bits. Fc2 on 2^-4 (|w| <= 0.25):
            // 16 fraction bits, |sum| < 32, 21 bits. The encoder on 2^-3 (|w| <= 0.25) reads Relu6 (<= 6): 19 fraction bits, |sum| <= 24.25, 24 bits.
            ["VectorOnly"] = () => Dyadic(VectorOnly.Plan, seed: 4, inputBits: 4, layer => layer.Name switch
            {
                "Fc1" => 8,
                "Fc2" => 4,
                "Fc3.encoder" => 3,
                _ => null,
            }),

            // Sample 1 is all negative, so after the relu the cut tensor is all zero: scale 0.
            ["ZeroScale"] = () =>
            {
                Case c = Dyadic(ZeroScale.Plan, seed: 5, inputBits: 6, _ => null);
                int size = 2 * 3 * 3;
                for (int i = size; i < 2 * size; i++)
                {
                    c.Input[i] = -Math.Abs(c.Input[i]) - (1f / 64);
                }

                return c;
            },
        };

        public static TheoryData<string> AllNetworks() => new(Cases.Keys);

        public static TheoryData<string> NetworksWithRoundingCuts() => new(Cases.Where(c => c.Value().HasRoundingCuts).Select(c => c.Key));

        private static Case Unrounded(NetworkPlan plan, int seed)
        {
            Assert.All(plan.Cuts, c => Assert.Equal(WireFormat.Float32, c.Format));
            return new Case(plan, TestParameters.Random(plan, seed), TestParameters.Input(Batch, plan.InputShape, seed + 100), false);
        }

        private static Case Dyadic(NetworkPlan plan, int seed, int inputBits, Func<LayerInfo, int?> parameterBits)
        {
            Assert.Contains(plan.Cuts, c => c.Format != WireFormat.Float32);
            ParameterSet parameters = TestParameters.Random(plan, seed);
            TestParameters.RoundToGrid(parameters, parameterBits);
            return new Case(plan, parameters, TestParameters.Input(Batch, plan.InputShape, seed + 100, inputBits), true);
        }

        private static float[] RunOnnx(byte[] model, Case c) => RunOnnx(new InferenceSession(model), c.Plan, c.Input, Batch);

        private static float[] RunOnnx(InferenceSession session, NetworkPlan plan, float[] input, int batch) => OnnxRuntimeRunner.Run(session, plan, input, batch);

        [Theory]
        [MemberData(nameof(AllNetworks))]
        public void Onnx_runtime_computes_what_the_reference_interpreter_computes(string name)
        {
            Case c = Cases[name]();
            float[] expected = new ReferenceInterpreter(c.Plan, c.Parameters).Run(c.Input, Batch);
            float[] actual = RunOnnx(OnnxExporter.ExportToBytes(c.Plan, c.Parameters), c);

            double error = Tolerance.AssertClose(expected, actual, Tolerance.Default, name);
            output.WriteLine($"{name}: max relative error {error:E2} over {actual.Length} outputs (ONNX Runtime vs reference, wire formats emulated)");
            Assert.All(actual, v => Assert.True(float.IsFinite(v)));

            if (c.HasRoundingCuts)
            {
                // The rounding on the wire moves these outputs by less than the tolerance (pooling and softmax average it
                // away), so also require ONNX Runtime to be far closer to the rounded reference than the rounding itself.
                float[] unrounded = new ReferenceInterpreter(c.Plan, c.Parameters, emulateWireFormats: false).Run(c.Input, Batch);
                double effect = Tolerance.MaxRelativeError(unrounded, expected);
                output.WriteLine($"{name}: the wire formats move the output by {effect:E2}");
                Assert.True(10 * error < effect, $"{name}: error {error:E2} is not well below the effect of the wire formats, {effect:E2}");
            }
        }

        [Fact]
        public void Received_values_are_bit_for_bit_those_of_the_reference()
        {
            NetworkPlan plan = WireEcho.Plan;
            var parameters = new ParameterSet(plan);
            // Full float32 precision in [-4, 4]; sample 1 all zero (Int8 scale 0).
            float[] input = TestParameters.Input(Batch, plan.InputShape, seed: 6).Select(v => 4 * v).ToArray();
            int size = (int)Shapes.Elements(plan.InputShape);
            Array.Clear(input, size, size);
            var c = new Case(plan, parameters, input, true);

            float[] expected = new ReferenceInterpreter(plan, parameters).Run(input, Batch);
            float[] actual = RunOnnx(OnnxExporter.ExportToBytes(plan, parameters), c);
            Assert.Equal(expected, actual);

            // Each format alone moves what the receiver sees by more than the tolerance: the comparisons above would
            // notice an export that forgot one.
            float[] unrounded = new ReferenceInterpreter(plan, parameters, emulateWireFormats: false).Run(input, Batch);
            foreach ((string format, int slice) in new[] { ("Float16", 0), ("BFloat16", 1), ("Int8", 2), ("Truncated(13)", 3), ("Truncated(6)", 4) })
            {
                float[] Part(float[] all) => Enumerable.Range(0, Batch).SelectMany(n => all.Skip((n * 5 * size) + (slice * size)).Take(size)).ToArray();
                double effect = Tolerance.MaxRelativeError(Part(unrounded), Part(expected));
                output.WriteLine($"WireEcho: {format} moves the received values by {effect:E2}");
                Assert.True(effect > Tolerance.Default, $"{format}: {effect:E2}");
            }
        }

        [Theory]
        [MemberData(nameof(NetworksWithRoundingCuts))]
        public void Without_emulation_onnx_runtime_computes_the_unrounded_network(string name)
        {
            Case c = Cases[name]();
            float[] rounded = new ReferenceInterpreter(c.Plan, c.Parameters).Run(c.Input, Batch);
            float[] unrounded = new ReferenceInterpreter(c.Plan, c.Parameters, emulateWireFormats: false).Run(c.Input, Batch);
            float[] actual = RunOnnx(OnnxExporter.ExportToBytes(c.Plan, c.Parameters, new OnnxExportOptions { EmulateWireFormats = false }), c);

            double error = Tolerance.AssertClose(unrounded, actual, Tolerance.Default, name);
            output.WriteLine($"{name}: max relative error {error:E2} without emulation");
            Assert.True(10 * error < Tolerance.MaxRelativeError(rounded, unrounded), $"{name}: the export without emulation is as close to the rounded network as to the unrounded one");
        }

        [Fact]
        public void Model_has_the_plan_names_a_symbolic_batch_and_opset_17()
        {
            Case c = Cases["FashionCnn"]();
            OnnxModel model = OnnxModel.Parse(OnnxExporter.ExportToBytes(c.Plan, c.Parameters));

            Assert.Equal(17, model.OpsetVersion);
            Assert.Equal("FashionCnn", model.GraphName);
            OnnxValueInfo input = Assert.Single(model.Inputs);
            Assert.Equal("input", input.Name);
            Assert.Equal(["N", "1", "28", "28"], input.Dims!.Select(d => d.ToString()));
            OnnxValueInfo result = Assert.Single(model.Outputs);
            Assert.Equal("output", result.Name);
            Assert.Equal(["N", "10"], result.Dims!.Select(d => d.ToString()));

            string[] planTensors = c.Plan.Layers.SelectMany(l => l.Parameters).Select(p => p.Name).ToArray();
            Assert.Equal(planTensors, model.Initializers.Select(t => t.Name).Take(planTensors.Length));
            OnnxTensor encoder = model.Initializers.Single(t => t.Name == "Conv2.encoder.weight");
            Assert.Equal([4, 32, 1, 1], encoder.Shape);
            Assert.Equal(c.Parameters["Conv2.encoder.weight"], encoder.FloatData);

            Assert.Equal(
                ["Conv", "Relu", "MaxPool", "Conv", "Conv", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Identity"],
                model.Nodes.Select(n => n.OpType));
            OnnxNode conv1 = model.Nodes[0];
            Assert.Equal(["input", "Conv1.weight", "Conv1.bias"], conv1.Inputs);
            Assert.Equal([1, 1, 1, 1], conv1.Attributes["pads"].AsInts);
            Assert.Equal(1, model.Nodes.Single(n => n.OpType == "Gemm" && n.Inputs[1] == "Fc1.weight").Attributes["transB"].AsInt);
        }

        [Fact]
        public void Wire_emulation_adds_casts_and_int8_quantisation_only_on_edges_into_the_receiving_chip()
        {
            Case c = Cases["WireFormats"]();
            OnnxModel emulated = OnnxModel.Parse(OnnxExporter.ExportToBytes(c.Plan, c.Parameters));
            long[] casts = emulated.Nodes.Where(n => n.OpType == "Cast").Select(n => n.Attributes["to"].AsInt).ToArray();
            Assert.Equal([10, 1, 16, 1], casts);   // Float16 and back, BFloat16 and back
            Assert.Single(emulated.Nodes, n => n.OpType == "Round");
            OnnxNode reduce = Assert.Single(emulated.Nodes, n => n.OpType == "ReduceMax");
            Assert.Equal([1, 2, 3], reduce.Attributes["axes"].AsInts);   // every non-batch axis: per sample

            // The encoder on chip 0 reads Stem itself; the three branches read the wire's values.
            OnnxNode encoder = emulated.Nodes.Single(n => n.Inputs.Contains("QuantBranch.encoder.weight"));
            Assert.Equal("Stem", encoder.Inputs[0]);
            Assert.Equal("Stem/wire_to_chip1", emulated.Nodes.Single(n => n.Inputs.Contains("HalfBranch.weight")).Inputs[0]);
            Assert.Equal("Stem/wire_to_chip2", emulated.Nodes.Single(n => n.Inputs.Contains("BrainBranch.weight")).Inputs[0]);
            Assert.Equal("QuantBranch.encoder/wire_to_chip3", emulated.Nodes.Single(n => n.Inputs.Contains("QuantBranch.decoder.weight")).Inputs[0]);

            OnnxModel plain = OnnxModel.Parse(OnnxExporter.ExportToBytes(c.Plan, c.Parameters, new OnnxExportOptions { EmulateWireFormats = false }));
            Assert.DoesNotContain(plain.Nodes, n => n.OpType is "Cast" or "Round" or "ReduceMax" or "Where");
        }

        [Fact]
        public void Export_to_a_file_loads_in_onnx_runtime_and_the_batch_is_free()
        {
            using var temp = new TempDirectory();
            Case c = Cases["ResidualSkip"]();
            string path = temp.File("residual.onnx");
            OnnxExporter.Export(c.Plan, c.Parameters, path);

            Assert.Equal(RunOnnx(OnnxExporter.ExportToBytes(c.Plan, c.Parameters), c), RunOnnx(new InferenceSession(path), c.Plan, c.Input, Batch));
            float[] one = c.Input[..(int)Shapes.Elements(c.Plan.InputShape)];
            Tolerance.AssertClose(new ReferenceInterpreter(c.Plan, c.Parameters).Run(one, 1), RunOnnx(new InferenceSession(path), c.Plan, one, 1));
        }

        [Fact]
        public void Export_does_not_alias_the_parameters()
        {
            Case c = Cases["FashionCnn"]();
            byte[] before = OnnxExporter.ExportToBytes(c.Plan, c.Parameters);
            OnnxModel model = OnnxModel.Parse(before);
            c.Parameters["Logits.bias"][0] += 1;
            Assert.NotEqual(c.Parameters["Logits.bias"], model.Initializers.Single(t => t.Name == "Logits.bias").FloatData);
        }

        [Fact]
        public void Parameters_of_another_network_are_refused()
        {
            var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportToBytes(FashionCnn.Plan, new ParameterSet(ResidualSkip.Plan)));
            Assert.Contains("'Conv1.weight' [32, 1, 3, 3]", e.Message);
        }
    }
}
