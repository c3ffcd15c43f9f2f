using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Sdk.Runtime.Numerics;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Weights
{
    /// <summary>Loading and saving a generated network's parameters, validated against its plan.</summary>
    public sealed class WeightsIOTests : IDisposable
    {
        private static readonly NetworkPlan Plan = WeightsNet.Plan;
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private static readonly string[] PlanTensorNames =
        [
            "Conv1.weight",
            "Bn1.weight", "Bn1.bias", "Bn1.running_mean", "Bn1.running_var",
            "Conv2.encoder.weight", "Conv2.encoder.bias",
            "Conv2.decoder.weight", "Conv2.decoder.bias",
            "Conv2.weight", "Conv2.bias",
            "Out.weight", "Out.bias",
        ];

        /// <summary>One tensor of a hand-made file: any dtype, any shape, raw little-endian bytes.</summary>
        private sealed record RawTensor(string Name, string Dtype, int[] Shape, byte[] Bytes)
        {
            public static RawTensor F32(string name, int[] shape, float[] values)
            {
                var bytes = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                }

                return new RawTensor(name, "F32", shape, bytes);
            }
        }

        /// <summary>Every tensor of <paramref name="parameters"/> as F32, in plan order.</summary>
        private static List<RawTensor> TensorsOf(ParameterSet parameters) =>
            parameters.Tensors.Select(t => RawTensor.F32(t.Name, t.Shape.ToArray(), parameters[t.Name])).ToList();

        /// <summary>Writes a safetensors file by hand (not through the writer), so any dtype and shape can be stored.</summary>
        private string WriteFile(IEnumerable<RawTensor> tensors, string name = "weights.safetensors")
        {
            var header = new StringBuilder("{");
            var buffer = new List<byte>();
            foreach (RawTensor t in tensors)
            {
                header.Append(header.Length > 1 ? "," : "")
                    .Append($"\"{t.Name}\":{{\"dtype\":\"{t.Dtype}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{buffer.Count},{buffer.Count + t.Bytes.Length}]}}");
                buffer.AddRange(t.Bytes);
            }

            string path = _temp.File(name);
            File.WriteAllBytes(path, HandMadeSafeTensors.Build(header.Append('}').ToString(), buffer.ToArray()));
            return path;
        }

        /// <summary>Loading fails with the file named, and the target keeps every value it had.</summary>
        private static WeightsFormatException LoadFails(ParameterSet target, string path, bool allowExtra = false)
        {
            Dictionary<string, float[]> before = TestParameters.Snapshot(target);
            var e = Assert.Throws<WeightsFormatException>(() => target.Load(path, allowExtra));
            Assert.Equal(path, e.FilePath);
            Assert.Contains($"'{path}'", e.Message);
            foreach ((string name, float[] values) in before)
            {
                Assert.Equal(values, target[name]);
            }

            return e;
        }

        [Fact]
        public void Plan_names_its_tensors_like_a_pytorch_state_dict()
        {
            Assert.Equal(PlanTensorNames, new ParameterSet(Plan).Tensors.Select(t => t.Name));
        }

        [Fact]
        public void F32_round_trip_restores_every_tensor_exactly()
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 1);
            string path = _temp.File("net.safetensors");
            saved.Save(path);

            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Equal(PlanTensorNames.Order(StringComparer.Ordinal), file.Names);
            Assert.All(file.Entries, e => Assert.Equal(WireDtype.F32, e.Dtype));
            Assert.Equal("pt", file.Metadata["format"]);

            var loaded = new ParameterSet(Plan, seed: 2);
            Assert.NotEqual(saved["Conv1.weight"], loaded["Conv1.weight"]);
            loaded.Load(path);
            foreach (ParameterInfo t in Plan.Layers.SelectMany(l => l.Parameters))
            {
                Assert.Equal(saved[t.Name], loaded[t.Name]);
            }
        }

        [Fact]
        public void Loading_into_a_network_instance_changes_its_layers()
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 3);
            string path = _temp.File("net.safetensors");
            saved.Save(path);

            var net = new WeightsNet();
            net.Parameters.Load(path);
            Assert.Equal(saved["Conv1.weight"], net.Conv1.Weight);
            Assert.Equal(saved["Bn1.running_var"], net.Bn1.Parameter("running_var"));
            Assert.Equal(saved["Out.bias"], net.Out.Bias);
        }

        [Theory]
        [InlineData(WireDtype.F16)]
        [InlineData(WireDtype.BF16)]
        public void Half_precision_round_trip_gives_the_values_rounded_to_nearest_even(WireDtype dtype)
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 4);
            string path = _temp.File("half.safetensors");
            saved.Save(path, dtype);
            Assert.All(SafeTensorsFile.Read(path).Entries, e => Assert.Equal(dtype, e.Dtype));

            var loaded = new ParameterSet(Plan, seed: 5);
            loaded.Load(path);
            foreach (ParameterInfo t in loaded.Tensors)
            {
                float[] expected = saved[t.Name].Select(v => dtype == WireDtype.F16
                    ? HalfFloats.FromFloat16Bits(HalfFloats.ToFloat16Bits(v))
                    : HalfFloats.FromBFloat16Bits(HalfFloats.ToBFloat16Bits(v))).ToArray();
                Assert.Equal(expected, loaded[t.Name]);
            }
        }

        [Fact]
        public void Saving_as_an_integer_dtype_is_refused()
        {
            var e = Assert.Throws<ArgumentException>(() => new ParameterSet(Plan).Save(_temp.File("int.safetensors"), WireDtype.I32));
            Assert.Contains("I32", e.Message);
            Assert.False(File.Exists(_temp.File("int.safetensors")));
        }

        [Fact]
        public void Saving_over_a_file_replaces_it_and_leaves_no_temporary_file()
        {
            string path = _temp.File("net.safetensors");
            File.WriteAllText(path, "old contents");
            TestParameters.Random(Plan, seed: 6).Save(path);

            Assert.Equal(["net.safetensors"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
            var loaded = new ParameterSet(Plan);
            loaded.Load(path);
            Assert.Equal(TestParameters.Random(Plan, seed: 6)["Out.weight"], loaded["Out.weight"]);
        }

        [Fact]
        public void Missing_tensors_are_all_listed()
        {
            List<RawTensor> tensors = TensorsOf(TestParameters.Random(Plan, seed: 7));
            tensors.RemoveAll(t => t.Name is "Conv1.weight" or "Bn1.running_var");
            string path = WriteFile(tensors);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Equal("Conv1.weight", e.TensorName);
            Assert.Contains("network 'WeightsNet'", e.Message);
            Assert.Contains("2 tensors of the plan are missing: Conv1.weight, Bn1.running_var", e.Message);
        }

        [Fact]
        public void Unexpected_tensor_is_an_error_unless_allowed()
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 8);
            List<RawTensor> tensors = TensorsOf(saved);
            tensors.Add(RawTensor.F32("Stray.weight", [2], [1f, 2f]));
            string path = WriteFile(tensors);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Equal("Stray.weight", e.TensorName);
            Assert.Contains("1 tensor in the file is not in the plan: Stray.weight", e.Message);
            Assert.Contains("allowExtra", e.Message);

            var loaded = new ParameterSet(Plan);
            loaded.Load(path, allowExtra: true);
            Assert.Equal(saved["Conv2.decoder.weight"], loaded["Conv2.decoder.weight"]);
        }

        [Fact]
        public void Pytorch_batchnorm_counter_is_ignored_but_only_for_a_batchnorm_layer()
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 9);
            List<RawTensor> tensors = TensorsOf(saved);
            tensors.Add(new RawTensor("Bn1.num_batches_tracked", "I64", [], BitConverter.GetBytes(1234L)));
            var loaded = new ParameterSet(Plan);
            loaded.Load(WriteFile(tensors));
            Assert.Equal(saved["Bn1.running_mean"], loaded["Bn1.running_mean"]);

            tensors.Add(new RawTensor("Conv1.num_batches_tracked", "I64", [], BitConverter.GetBytes(1L)));
            WeightsFormatException e = LoadFails(new ParameterSet(Plan), WriteFile(tensors, "conv-counter.safetensors"));
            Assert.Equal("Conv1.num_batches_tracked", e.TensorName);
        }

        [Fact]
        public void Wrong_shape_names_the_tensor_and_both_shapes()
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 10);
            List<RawTensor> tensors = TensorsOf(saved);
            int i = tensors.FindIndex(t => t.Name == "Out.weight");
            tensors[i] = tensors[i] with { Shape = [64, 3] };   // same element count, transposed shape
            string path = WriteFile(tensors);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Equal("Out.weight", e.TensorName);
            Assert.Contains("tensor 'Out.weight' has shape [64, 3], expected [3, 64]", e.Message);
        }

        [Fact]
        public void Wrong_dtype_names_the_tensor_and_the_dtype()
        {
            List<RawTensor> tensors = TensorsOf(TestParameters.Random(Plan, seed: 11));
            int i = tensors.FindIndex(t => t.Name == "Out.bias");
            tensors[i] = new RawTensor("Out.bias", "I32", [3], new byte[12]);
            string path = WriteFile(tensors);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Equal("Out.bias", e.TensorName);
            Assert.Contains("tensor 'Out.bias' is stored as I32; weights must be F32, F16 or BF16", e.Message);
        }

        [Fact]
        public void Several_problems_are_reported_together()
        {
            List<RawTensor> tensors = TensorsOf(TestParameters.Random(Plan, seed: 12));
            tensors.RemoveAll(t => t.Name == "Conv2.bias");
            int i = tensors.FindIndex(t => t.Name == "Bn1.bias");
            tensors[i] = RawTensor.F32("Bn1.bias", [5], new float[5]);
            tensors.Add(RawTensor.F32("Extra", [1], [0f]));
            string path = WriteFile(tensors);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Equal("Bn1.bias", e.TensorName);
            Assert.Contains("tensor 'Bn1.bias' has shape [5], expected [4]", e.Message);
            Assert.Contains("1 tensor of the plan is missing: Conv2.bias", e.Message);
            Assert.Contains("1 tensor in the file is not in the plan: Extra", e.Message);
        }

        [Fact]
        public void Half_precision_tensors_in_a_hand_made_file_load()
        {
            ParameterSet saved = TestParameters.Random(Plan, seed: 13);
            List<RawTensor> tensors = TensorsOf(saved);
            int i = tensors.FindIndex(t => t.Name == "Out.bias");
            var bits = saved["Out.bias"].Select(v => BitConverter.GetBytes(HalfFloats.ToBFloat16Bits(v))).SelectMany(b => b).ToArray();
            tensors[i] = new RawTensor("Out.bias", "BF16", [3], bits);

            var loaded = new ParameterSet(Plan);
            loaded.Load(WriteFile(tensors));
            Assert.Equal(saved["Out.bias"].Select(v => HalfFloats.FromBFloat16Bits(HalfFloats.ToBFloat16Bits(v))), loaded["Out.bias"]);
            Assert.Equal(saved["Out.weight"], loaded["Out.weight"]);
        }

        [Fact]
        public void Truncated_file_names_the_file_and_the_tensor_cut_short()
        {
            string path = _temp.File("truncated.safetensors");
            TestParameters.Random(Plan, seed: 14).Save(path);
            SafeTensorsEntry last = SafeTensorsFile.Read(path).Entries.MaxBy(e => e.End)!;
            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^6]);

            WeightsFormatException e = LoadFails(TestParameters.Random(Plan, seed: 15), path);
            Assert.Equal(last.Name, e.TensorName);
            Assert.Contains($"tensor '{last.Name}'", e.Message);
            Assert.Contains("reach past the end", e.Message);
        }

        [Fact]
        public void Truncated_header_names_the_file()
        {
            string path = _temp.File("cut-header.safetensors");
            TestParameters.Random(Plan, seed: 16).Save(path);
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Null(e.TensorName);
            Assert.Contains("header length", e.Message);
        }

        [Fact]
        public void Corrupt_shape_in_the_header_names_the_tensor_and_the_shape()
        {
            string path = _temp.File("corrupt.safetensors");
            TestParameters.Random(Plan, seed: 17).Save(path);
            byte[] bytes = File.ReadAllBytes(path);
            string text = Encoding.Latin1.GetString(bytes);
            string entry = "\"Out.bias\":{\"dtype\":\"F32\",\"shape\":[3]";
            int at = text.IndexOf(entry, StringComparison.Ordinal);
            Assert.True(at > 0, "the writer's header layout changed");
            bytes[at + entry.Length - 2] = (byte)'4';   // [3] -> [4], same length, so only the entry is wrong
            File.WriteAllBytes(path, bytes);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.Equal("Out.bias", e.TensorName);
            Assert.Contains("shape [4]", e.Message);
        }

        [Fact]
        public void Garbage_file_names_the_file()
        {
            string path = _temp.File("garbage.safetensors");
            var bytes = new byte[256];
            new Random(18).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);

            WeightsFormatException e = LoadFails(new ParameterSet(Plan), path);
            Assert.StartsWith("Invalid safetensors file", e.Message);
        }

        [Fact]
        public void Missing_file_is_file_not_found()
        {
            Assert.Throws<FileNotFoundException>(() => new ParameterSet(Plan).Load(_temp.File("absent.safetensors")));
        }
    }
}
