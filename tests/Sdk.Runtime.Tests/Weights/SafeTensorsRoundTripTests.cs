using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Numerics;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Weights
{
    public sealed class SafeTensorsRoundTripTests : System.IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private static NamedTensor[] SampleTensors() =>
        [
            new NamedTensor("Conv1.weight", [2, 1, 2, 2], [1f, -2.5f, 0.5f, 65504f, -0f, 3.140625f, 1e-3f, -7f]),
            new NamedTensor("Conv1.bias", [2], [0.25f, -1f]),
            new NamedTensor("Fc.scalar", [], [42f]),
            new NamedTensor("Empty", [0, 3], []),
        ];

        [Fact]
        public void F32_round_trip_is_exact_and_keeps_metadata()
        {
            string path = _temp.File("f32.safetensors");
            var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode + \"quotes\"" };
            SafeTensorsFile.Write(path, SampleTensors(), WireDtype.F32, metadata);

            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Equal(["Conv1.bias", "Conv1.weight", "Empty", "Fc.scalar"], file.Names);
            Assert.Equal(metadata, file.Metadata);
            foreach (NamedTensor expected in SampleTensors())
            {
                NamedTensor actual = file.Get(expected.Name);
                Assert.Equal(expected.Shape, actual.Shape);
                Assert.Equal(expected.Data, actual.Data);
                Assert.Equal(WireDtype.F32, file.Entries.Single(e => e.Name == expected.Name).Dtype);
            }
        }

        [Theory]
        [InlineData(WireDtype.F16)]
        [InlineData(WireDtype.BF16)]
        public void Half_precision_round_trip_gives_the_rounded_values(WireDtype dtype)
        {
            string path = _temp.File($"{dtype}.safetensors");
            SafeTensorsFile.Write(path, SampleTensors(), dtype);

            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Empty(file.Metadata);
            foreach (NamedTensor expected in SampleTensors())
            {
                NamedTensor actual = file.Get(expected.Name);
                Assert.Equal(expected.Shape, actual.Shape);
                Assert.Equal(expected.Data.Select(v => Rounded(v, dtype)), actual.Data);
                Assert.Equal(dtype, file.Entries.Single(e => e.Name == expected.Name).Dtype);
            }

            // Values that both formats hold exactly come back unchanged.
            Assert.Equal([0.25f, -1f], file.Get("Conv1.bias").Data);
            Assert.Equal(-2.5f, file.Get("Conv1.weight").Data[1]);
        }

        [Fact]
        public void Half_precision_files_are_half_the_size_of_f32_data()
        {
            string f32 = _temp.File("a.safetensors");
            string f16 = _temp.File("b.safetensors");
            var big = new NamedTensor("w", [1000], Enumerable.Range(0, 1000).Select(i => i * 0.5f).ToArray());
            SafeTensorsFile.Write(f32, [big], WireDtype.F32);
            SafeTensorsFile.Write(f16, [big], WireDtype.F16);
            Assert.Equal(2000, new FileInfo(f32).Length - new FileInfo(f16).Length);
        }

        [Fact]
        public void Writing_replaces_an_existing_file_and_leaves_no_temporary_files()
        {
            string path = _temp.File("model.safetensors");
            File.WriteAllText(path, "old content");
            SafeTensorsFile.Write(path, SampleTensors());
            Assert.Equal(4, SafeTensorsFile.Read(path).Names.Count);
            Assert.Equal(["model.safetensors"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
        }

        [Fact]
        public void Writer_rejects_duplicate_and_reserved_names_and_integer_dtypes()
        {
            string path = _temp.File("bad.safetensors");
            var a = new NamedTensor("a", [1], [1f]);
            Assert.Throws<System.ArgumentException>(() => SafeTensorsFile.Write(path, [a, new NamedTensor("a", [1], [2f])]));
            Assert.Throws<System.ArgumentException>(() => SafeTensorsFile.Write(path, [new NamedTensor("__metadata__", [1], [1f])]));
            Assert.Throws<System.ArgumentException>(() => SafeTensorsFile.Write(path, [a], WireDtype.I64));
            Assert.False(File.Exists(path));
        }

        [Fact]
        public void Named_tensor_rejects_data_that_does_not_match_its_shape()
        {
            var e = Assert.Throws<System.ArgumentException>(() => new NamedTensor("w", [2, 3], new float[5]));
            Assert.Contains("'w'", e.Message);
        }

        [Fact]
        public void Unknown_name_lists_what_the_file_holds()
        {
            string path = _temp.File("m.safetensors");
            SafeTensorsFile.Write(path, SampleTensors());
            var e = Assert.Throws<KeyNotFoundException>(() => SafeTensorsFile.Read(path).Get("Conv2.weight"));
            Assert.Contains("Conv2.weight", e.Message);
            Assert.Contains("Conv1.bias", e.Message);
        }

        private static float Rounded(float value, WireDtype dtype) => dtype == WireDtype.F16
            ? HalfFloats.FromFloat16Bits(HalfFloats.ToFloat16Bits(value))
            : HalfFloats.FromBFloat16Bits(HalfFloats.ToBFloat16Bits(value));
    }
}
