using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sdk.Runtime.Numerics;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// What the ONNX export's wire emulation relies on in ONNX Runtime's CPU kernels: Cast to FLOAT16 and to BFLOAT16
    /// round to nearest even exactly as <see cref="HalfFloats"/> does (not truncating), and are not optimised away
    /// when cast straight back; Round is half to even; Div is IEEE float32 division.
    /// </summary>
    public class OnnxRuntimeRoundingTests
    {
        private static float[] Samples()
        {
            float ulp16 = MathF.Pow(2, -10), ulpBf = MathF.Pow(2, -7);
            var special = new List<float>
            {
                0f, -0f, 1f, -1f, float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
                // Float16 ties at 1: to even below, to even above; just past a tie.
                1 + (ulp16 / 2), 1 + (3 * ulp16 / 2), 1 + (ulp16 / 2) + MathF.Pow(2, -20),
                // BFloat16 ties at 1 and at -1.
                1 + (ulpBf / 2), 1 + (3 * ulpBf / 2), -(1 + (3 * ulpBf / 2)),
                // Float16 range: largest, the tie to infinity, overflow, smallest normal, subnormals and their ties.
                65504f, 65519.996f, 65520f, 70000f, MathF.Pow(2, -14), MathF.Pow(2, -24), 1.5f * MathF.Pow(2, -24), 2.5f * MathF.Pow(2, -24), MathF.Pow(2, -26),
            };

            var random = new Random(7);
            var bits = new byte[4];
            for (int i = 0; i < 20000; i++)
            {
                random.NextBytes(bits);
                special.Add(BitConverter.ToSingle(bits));
                special.Add(((2 * random.NextSingle()) - 1) * 8);   // typical activations
            }

            return special.ToArray();
        }

        private static Dictionary<string, float[]> Run(byte[] model, params (string Name, float[] Values)[] inputs)
        {
            using var session = new InferenceSession(model);
            var feed = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Values, [1, i.Values.Length]))).ToList();
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(feed);
            return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
        }

        [Fact]
        public void Casts_through_16_bit_floats_round_like_HalfFloats_bit_for_bit()
        {
            float[] x = Samples();
            byte[] model = new OnnxModelBuilder("casts")
                .AddInput("x", 1, x.Length)
                .AddNode("Cast", ["x"], ["h"], OnnxAttribute.Int("to", (long)OnnxElementType.Float16))
                .AddNode("Cast", ["h"], ["y16"], OnnxAttribute.Int("to", (long)OnnxElementType.Float))
                .AddNode("Cast", ["x"], ["b"], OnnxAttribute.Int("to", (long)OnnxElementType.BFloat16))
                .AddNode("Cast", ["b"], ["ybf"], OnnxAttribute.Int("to", (long)OnnxElementType.Float))
                .AddOutput("y16", 1, x.Length)
                .AddOutput("ybf", 1, x.Length)
                .ToBytes();
            Dictionary<string, float[]> y = Run(model, ("x", x));

            for (int i = 0; i < x.Length; i++)
            {
                float half = HalfFloats.FromFloat16Bits(HalfFloats.ToFloat16Bits(x[i]));
                float brain = HalfFloats.FromBFloat16Bits(HalfFloats.ToBFloat16Bits(x[i]));
                Assert.True(half.Equals(y["y16"][i]) && (float.IsNaN(half) || BitConverter.SingleToInt32Bits(half) == BitConverter.SingleToInt32Bits(y["y16"][i])), $"Float16 of {x[i]:R}: expected {half:R}, ONNX Runtime {y["y16"][i]:R}");
                Assert.True(brain.Equals(y["ybf"][i]) && (float.IsNaN(brain) || BitConverter.SingleToInt32Bits(brain) == BitConverter.SingleToInt32Bits(y["ybf"][i])), $"BFloat16 of {x[i]:R}: expected {brain:R}, ONNX Runtime {y["ybf"][i]:R}");
            }
        }

        [Fact]
        public void Round_is_half_to_even_and_Div_is_ieee_float32()
        {
            float[] a = Samples().Where(float.IsFinite).ToArray();
            float[] b = a.Select((v, i) => i % 3 == 0 ? 127f : ((i * 0.37f) % 5) - 2.5f).ToArray();
            float[] halves = Enumerable.Range(-20, 41).Select(i => i + 0.5f).ToArray();
            byte[] model = new OnnxModelBuilder("round_div")
                .AddInput("a", 1, a.Length)
                .AddInput("b", 1, a.Length)
                .AddInput("h", 1, halves.Length)
                .AddNode("Div", ["a", "b"], ["q"])
                .AddNode("Round", ["h"], ["r"])
                .AddOutput("q", 1, a.Length)
                .AddOutput("r", 1, halves.Length)
                .ToBytes();
            Dictionary<string, float[]> y = Run(model, ("a", a), ("b", b), ("h", halves));

            Assert.Equal(halves.Select(h => MathF.Round(h, MidpointRounding.ToEven)), y["r"]);
            for (int i = 0; i < a.Length; i++)
            {
                float expected = a[i] / b[i];
                Assert.True(expected.Equals(y["q"][i]), $"{a[i]:R} / {b[i]:R}: expected {expected:R}, ONNX Runtime {y["q"][i]:R}");
            }
        }
    }
}
