using System;
using System.IO;
using System.Linq;
using Sdk.Runtime.Numerics;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Weights
{
    /// <summary>
    /// Data/golden_numpy_f16.safetensors was written by Data/make_golden_safetensors.py with numpy,
    /// an independent float16 rounding to hold ours against.
    /// </summary>
    public sealed class SafeTensorsGoldenFileTests : IDisposable
    {
        private static readonly string GoldenPath = Path.Combine(AppContext.BaseDirectory, "Data", "golden_numpy_f16.safetensors");
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void Reads_the_numpy_file()
        {
            SafeTensorsFile file = SafeTensorsFile.Read(GoldenPath);
            Assert.Equal(["values_f16", "values_f32"], file.Names);
            Assert.StartsWith("numpy ", file.Metadata["producer"]);
            Assert.Equal([8, 16], file.Get("values_f32").Shape);
            Assert.Equal(WireDtype.F16, file.Entries[0].Dtype);
            Assert.Equal([1f, -2.5f, 65504f], file.Get("values_f32").Data.Skip(2).Take(3));
        }

        [Fact]
        public void Our_float16_rounding_agrees_with_numpy_on_every_value()
        {
            SafeTensorsFile file = SafeTensorsFile.Read(GoldenPath);
            float[] values = file.Get("values_f32").Data;
            float[] numpyHalves = file.Get("values_f16").Data;
            for (int i = 0; i < values.Length; i++)
            {
                float ours = HalfFloats.FromFloat16Bits(HalfFloats.ToFloat16Bits(values[i]));
                Assert.True(
                    BitConverter.SingleToInt32Bits(numpyHalves[i]) == BitConverter.SingleToInt32Bits(ours),
                    $"value {i} = {values[i]:R}: numpy {numpyHalves[i]:R}, ours {ours:R}");
            }
        }

        [Fact]
        public void Our_f16_data_bytes_equal_numpys()
        {
            SafeTensorsFile golden = SafeTensorsFile.Read(GoldenPath);
            string path = _temp.File("ours.safetensors");
            SafeTensorsFile.Write(path, [new NamedTensor("values_f16", [8, 16], golden.Get("values_f32").Data)], WireDtype.F16);

            byte[] goldenBytes = File.ReadAllBytes(GoldenPath);
            byte[] ourBytes = File.ReadAllBytes(path);
            int goldenData = 8 + BitConverter.ToInt32(goldenBytes, 0);
            int ourData = 8 + BitConverter.ToInt32(ourBytes, 0);
            SafeTensorsEntry goldenEntry = golden.Entries.Single(e => e.Name == "values_f16");
            Assert.Equal(
                goldenBytes.AsSpan(goldenData + (int)goldenEntry.Begin, 256).ToArray(),
                ourBytes.AsSpan(ourData, 256).ToArray());
        }
    }
}
