using System;
using System.Linq;
using Sdk.Runtime.Tests.Reference.Tiny;

namespace Sdk.Runtime.Tests.Reference
{
    /// <summary>The reference interpreter against values worked out by hand, one tiny network per concern.</summary>
    public class ReferenceInterpreterTests
    {
        private static float[] Iota(int count, float offset = 0) => Enumerable.Range(0, count).Select(i => i + offset).ToArray();

        /// <summary>Sets a tensor by hand; the count must match its shape.</summary>
        private static void Set(ParameterSet p, string name, params float[] values)
        {
            Assert.Equal(p[name].Length, values.Length);
            values.CopyTo(p[name], 0);
        }

        private static void AssertValues(double[] expected, double[] actual, double tolerance = 1e-12)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]:R}, actual {actual[i]:R}");
            }
        }

        private static void AssertValues(double[] expected, float[] actual, double tolerance = 1e-6) =>
            AssertValues(expected, actual.Select(v => (double)v).ToArray(), tolerance);

        [Fact]
        public void Conv2D_with_stride_padding_groups_bias_and_relu()
        {
            var p = new ParameterSet(GroupedConvNet.Plan);
            // Group 0: output 0 reads input channel 0 with an all-ones 2x2 kernel, bias -10.
            // Group 1: output 1 reads input channel 1 with kernel [[2, 0], [0, -1]], bias 0.5.
            Set(p, "Conv.weight", 1, 1, 1, 1, 2, 0, 0, -1);
            Set(p, "Conv.bias", -10, 0.5f);
            // Input channel 0 holds 0..15 (x0[r, c] = 4r + c), channel 1 holds 16..31.
            float[] y = new ReferenceInterpreter(GroupedConvNet.Plan, p).Run(Iota(32), 1);

            // Output 3x3: window rows 2oy-1 .. 2oy, columns likewise; row/column -1 and 4 are padding.
            // Channel 0: sums of the in-bounds cells minus 10, then relu:
            //   (0,0) 0 | (0,1) 1+2 | (0,2) 3 | (1,0) 4+8 | (1,1) 5+6+9+10 | (1,2) 7+11 | (2,0) 12 | (2,1) 13+14 | (2,2) 15
            // Channel 1: 0.5 + 2 x1[2oy-1, 2ox-1] - x1[2oy, 2ox] over in-bounds terms, then relu:
            //   (0,0) 0.5-16 | (0,1) 0.5-18 | (0,2) 0.5 | (1,0) 0.5-24 | (1,1) 0.5+42-26 | (1,2) 0.5+46 | (2,0) 0.5 | (2,1) 0.5+58 | (2,2) 0.5+62
            AssertValues([0, 0, 0, 2, 20, 8, 2, 17, 5, 0, 0, 0.5, 0, 16.5, 46.5, 0.5, 58.5, 62.5], y);
        }

        [Fact]
        public void Conv2D_with_dilation_and_no_bias()
        {
            var p = new ParameterSet(DilatedConvNet.Plan);
            Assert.False(p.Contains("Conv.bias"));
            Set(p, "Conv.weight", 1, 1, 1, 1);
            // x[r, c] = 5r + c; a 2x2 kernel dilated by 2 adds x[oy, ox] + x[oy, ox+2] + x[oy+2, ox] + x[oy+2, ox+2] = 20 oy + 4 ox + 24.
            float[] y = new ReferenceInterpreter(DilatedConvNet.Plan, p).Run(Iota(25), 1);
            AssertValues([24, 28, 32, 44, 48, 52, 64, 68, 72], y);
        }

        [Fact]
        public void Pools_leave_padding_out_of_the_max_and_the_average()
        {
            // x[r, c] = 4r + c - 20, all negative: a max that counted padding as 0 would give 0.
            double[][] v = new ReferenceInterpreter(PoolNet.Plan, new ParameterSet(PoolNet.Plan)).RunSample(Iota(16, -20));
            var plan = PoolNet.Plan;
            // 3x3 windows, stride 2, padding 1: rows {0,1} or {1,2,3}, columns likewise.
            AssertValues([5 - 20, 7 - 20, 13 - 20, 15 - 20], v[plan.Layer("Max").Index]);
            // Averages over the in-bounds cells only: (0+1+4+5)/4, (1+2+3+5+6+7)/6, (4+5+8+9+12+13)/6, (5+6+7+9+10+11+13+14+15)/9.
            AssertValues([2.5 - 20, 4 - 20, 8.5 - 20, 10 - 20], v[plan.Layer("Avg").Index]);
            AssertValues([-15, -13, -7, -5, -17.5, -16, -11.5, -10], v[plan.Layer("Both").Index]);
            AssertValues([(-15 - 13 - 7 - 5) / 4.0, (-17.5 - 16 - 11.5 - 10) / 4], v[plan.Layer("Gap").Index]);
        }

        [Fact]
        public void Dense_flattens_its_input_and_applies_relu6()
        {
            var p = new ParameterSet(DenseNet.Plan);
            Set(p, "Fc.weight", 1, 0, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f);   // [out = 2, in = 4]
            Set(p, "Fc.bias", -2, 3);
            // x flattened in C, H, W order: [1, 2, 3, 4]; [1 - 2, 5 + 3] = [-1, 8], relu6 -> [0, 6].
            AssertValues([0, 6], new ReferenceInterpreter(DenseNet.Plan, p).Run([1, 2, 3, 4], 1));
        }

        [Fact]
        public void BatchNorm_softmax_over_channels_flatten_and_softmax_over_features()
        {
            var plan = NormNet.Plan;
            var p = new ParameterSet(plan);
            Set(p, "Bn.weight", 2, 0.5f);
            Set(p, "Bn.bias", 1, -1);
            Set(p, "Bn.running_mean", 1, 2);
            Set(p, "Bn.running_var", 3, 15);   // with epsilon 1: sqrt 4 = 2 and sqrt 16 = 4
            // Channel 0 [5, -3]: (5-1)/2*2+1 = 5, (-3-1)/2*2+1 = -3 -> relu 0. Channel 1 [18, 6]: 16/4*0.5-1 = 1, 4/4*0.5-1 = -0.5 -> 0.
            double[][] v = new ReferenceInterpreter(plan, p).RunSample([5, -3, 18, 6]);
            AssertValues([5, 0, 1, 0], v[plan.Layer("Bn").Index]);

            // Softmax over the two channels at each of the two positions: (5, 1) and (0, 0).
            double e = Math.Exp(4);
            double[] probs = [e / (e + 1), 0.5, 1 / (e + 1), 0.5];
            AssertValues(probs, v[plan.Layer("Probs").Index]);
            AssertValues(probs, v[plan.Layer("Flat").Index]);

            double total = probs.Sum(Math.Exp);
            AssertValues(probs.Select(x => Math.Exp(x) / total).ToArray(), v[plan.Layer("VectorProbs").Index]);
        }

        [Fact]
        public void Activations_add_of_three_inputs_concat_and_dropout()
        {
            var plan = MergeNet.Plan;
            double[][] v = new ReferenceInterpreter(plan, new ParameterSet(plan)).RunSample([1, -2]);
            AssertValues([1, -2], v[plan.Layer("A").Index]);                                // dropout: identity
            AssertValues([0.7310585786300049, 0.11920292202211755], v[plan.Layer("S").Index]);  // 1 / (1 + e^-x)
            // Gelu(x) = x Phi(x): Phi(1) = 0.8413447460685429, Phi(-2) = 0.022750131948179195 (normal tables).
            AssertValues([0.8413447460685429, -2 * 0.022750131948179195], v[plan.Layer("G").Index]);
            // relu(x + sigmoid + gelu): [1 + 0.73106 + 0.84134, -2 + 0.11920 - 0.04550 < 0].
            double sum0 = 1 + 0.7310585786300049 + 0.8413447460685429;
            AssertValues([sum0, 0], v[plan.Layer("Sum").Index]);
            AssertValues([sum0, 0, 1, -2], v[plan.Layer("Cat").Index]);
        }

        [Theory]
        [InlineData(Activation.None, -1.5, -1.5)]
        [InlineData(Activation.Relu, -1.5, 0)]
        [InlineData(Activation.Relu, 2.5, 2.5)]
        [InlineData(Activation.Relu6, 7, 6)]
        [InlineData(Activation.Relu6, -7, 0)]
        [InlineData(Activation.Relu6, 3, 3)]
        [InlineData(Activation.Sigmoid, 0, 0.5)]
        [InlineData(Activation.Tanh, 0.5493061443340548, 0.5)]      // atanh(0.5)
        [InlineData(Activation.Gelu, 0, 0)]
        [InlineData(Activation.Gelu, 3, 3 * 0.9986501019683699)]   // Phi(3)
        [InlineData(Activation.Gelu, -3, -3 * 0.0013498980316301035)]
        public void Each_activation(Activation activation, double x, double expected)
        {
            Assert.Equal(expected, ReferenceInterpreter.Activate(activation, x), 1e-13);
        }

        [Theory]
        [InlineData(0, 0)]
        [InlineData(0.1, 0.1124629160182849)]
        [InlineData(0.5, 0.5204998778130465)]
        [InlineData(1, 0.8427007929497149)]
        [InlineData(2, 0.9953222650189527)]
        [InlineData(2.4, 0.999311486103355)]
        [InlineData(2.5, 0.999593047982555)]
        [InlineData(2.6, 0.9997639655834707)]
        [InlineData(3, 0.9999779095030014)]
        [InlineData(4, 0.9999999845827421)]
        [InlineData(-1.5, -0.9661051464753108)]
        [InlineData(10, 1)]
        public void Erf_matches_tables_on_both_sides_of_the_switch_from_series_to_continued_fraction(double x, double expected)
        {
            Assert.Equal(expected, ReferenceInterpreter.Erf(x), 1e-15);
        }

        [Fact]
        public void Bottleneck_on_an_image_is_a_pair_of_1x1_convolutions_with_bias()
        {
            var plan = ConvBottleneckNet.Plan;
            var p = new ParameterSet(plan);
            Set(p, "Dst.encoder.weight", 1, 2);       // [1, 2, 1, 1]
            Set(p, "Dst.encoder.bias", 0.5f);
            Set(p, "Dst.decoder.weight", 3, -1);      // [2, 1, 1, 1]
            Set(p, "Dst.decoder.bias", 0, 1);
            // Channels [1, 0] and [2, -1]: encoded [1 + 4 + 0.5, 0 - 2 + 0.5] = [5.5, -1.5]; decoded 3e + 0 and -e + 1.
            double[][] v = new ReferenceInterpreter(plan, p).RunSample([1, 0, 2, -1]);
            AssertValues([5.5, -1.5], v[plan.Layer("Dst.encoder").Index]);
            AssertValues([16.5, -4.5, -4.5, 2.5], v[plan.Layer("Dst").Index]);
        }

        [Fact]
        public void Bottleneck_on_a_vector_is_a_pair_of_dense_layers_with_bias()
        {
            var plan = VectorBottleneckNet.Plan;
            var p = new ParameterSet(plan);
            Assert.Equal([2, 3], p.Info("Dst.encoder.weight").Shape);
            Set(p, "Dst.encoder.weight", 1, 1, 1, 0, 1, -1);   // [2, 3]
            Set(p, "Dst.encoder.bias", 0, 1);
            Set(p, "Dst.decoder.weight", 1, 0, 0, 1, 1, 1);    // [3, 2]
            Set(p, "Dst.decoder.bias", 0, 0, 10);
            // x = [1, 2, 3]: encoded [6, 2 - 3 + 1] = [6, 0]; decoded [6, 0, 6 + 10].
            AssertValues([6, 0, 16], new ReferenceInterpreter(plan, p).Run([1, 2, 3], 1));
        }

        [Fact]
        public void Cuts_round_only_what_readers_on_the_receiving_chip_see()
        {
            var plan = CutNet.Plan;
            Assert.Equal(
                [("Src", 1, WireFormat.Float16), ("Src", 2, WireFormat.BFloat16), ("Src", 3, WireFormat.Int8), ("Local", 3, WireFormat.Float32), ("Half", 3, WireFormat.Float32), ("Brain", 3, WireFormat.Float32)],
                plan.Cuts.Select(c => (c.From, c.ToChip, c.Format)).OrderBy(c => c.From == "Src" ? 0 : 1).ThenBy(c => c.ToChip).ThenBy(c => c.From == "Local" ? 0 : c.From == "Half" ? 1 : 2));

            // x0 = 1 + 3*2^-11: Float16 (ulp 2^-10 at 1) is at a tie between 1 + 2^-10 (odd) and 1 + 2^-9 (even) -> 1 + 2^-9;
            //                   BFloat16 (ulp 2^-7) is below half an ulp -> 1.
            // x1 = 1 + 2^-8:    Float16 exact; BFloat16 at a tie between 1 (even) and 1 + 2^-7 -> 1.
            // x2 = 1 + 3*2^-8:  Float16 exact; BFloat16 at a tie between 1 + 2^-7 (odd) and 1 + 2^-6 (even) -> 1 + 2^-6.
            // x3 = -127:        exact in both. Int8: max |x| = 127, scale 1, q = round(x) -> [1, 1, 1, -127].
            float[] x = [1 + (3 * MathF.Pow(2, -11)), 1 + MathF.Pow(2, -8), 1 + (3 * MathF.Pow(2, -8)), -127];
            double[][] v = new ReferenceInterpreter(plan, new ParameterSet(plan)).RunSample(x);
            double[] exact = x.Select(f => (double)f).ToArray();
            AssertValues(exact.Select(d => 2 * d).ToArray(), v[plan.Layer("Local").Index], 0);   // same chip: exact
            AssertValues([1 + Math.Pow(2, -9), 1 + Math.Pow(2, -8), 1 + (3 * Math.Pow(2, -8)), -127], v[plan.Layer("Half").Index], 0);
            AssertValues([1, 1, 1 + Math.Pow(2, -6), -127], v[plan.Layer("Brain").Index], 0);
            AssertValues([1, 1, 1, -127], v[plan.Layer("Quant").Index], 0);

            var unrounded = new ReferenceInterpreter(plan, new ParameterSet(plan), emulateWireFormats: false).RunSample(x);
            AssertValues([.. exact.Select(d => 2 * d), .. exact, .. exact, .. exact], unrounded[plan.Layer("All").Index], 0);
        }

        [Fact]
        public void Int8_is_per_sample_with_ties_to_even_and_zero_for_an_all_zero_sample()
        {
            var plan = CutNet.Plan;
            float[] batch =
            [
                127, 2.5f, -3.5f, 100.7f,     // scale 1: q = [127, 2, -4, 101]
                0, 0, 0, 0,                   // scale 0: all zeros
                63.5f, 1.25f, 0.75f, -0.3f,   // scale 0.5: x / scale = [127, 2.5, 1.5, -0.6] -> q = [127, 2, 2, -1]
            ];
            float[] y = new ReferenceInterpreter(plan, new ParameterSet(plan)).Run(batch, 3);
            int quant = 12;   // All = Local (4), Half (4), Brain (4), Quant (4)
            AssertValues([127, 2, -4, 101], y.AsSpan(quant, 4).ToArray(), 0);
            AssertValues([0, 0, 0, 0], y.AsSpan(16 + quant, 4).ToArray(), 0);
            AssertValues([63.5, 1, 1, -0.5], y.AsSpan(32 + quant, 4).ToArray(), 0);
        }

        [Fact]
        public void Input_of_the_wrong_length_is_refused()
        {
            var e = Assert.Throws<ArgumentException>(() => new ReferenceInterpreter(DenseNet.Plan, new ParameterSet(DenseNet.Plan)).Run(new float[5], 1));
            Assert.Contains("[2, 1, 2]", e.Message);
        }
    }
}
