using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics.X86;
using Sdk.Compiler;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class ConvTests
    {
        private static Conv2DDescriptor D(int c, int h, int w, int m, int kh, int kw, int sh = 1, int sw = 1,
            int pt = 0, int pl = 0, int pb = 0, int pr = 0, int dh = 1, int dw = 1, int groups = 1, Activation act = Activation.None)
            => new()
            {
                InChannels = c, InHeight = h, InWidth = w, OutChannels = m, KernelHeight = kh, KernelWidth = kw,
                StrideHeight = sh, StrideWidth = sw, PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr,
                DilationHeight = dh, DilationWidth = dw, Groups = groups, Activation = act,
            };

        /// <summary>Named shapes covering every path of the plan.</summary>
        public static readonly Dictionary<string, (Conv2DDescriptor Desc, int Batch)> Cases = new()
        {
            ["3x3 pad1"] = (D(3, 7, 7, 5, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), 2),
            ["3x3 stride2 odd"] = (D(4, 9, 6, 7, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1), 3),
            ["dilated asym pad"] = (D(3, 8, 9, 4, 3, 3, dh: 2, dw: 2, pt: 2, pl: 1, pb: 0, pr: 3), 2),
            ["rect kernel stride 2x1"] = (D(2, 7, 8, 3, 2, 3, sh: 2, sw: 1, pt: 1, pl: 0, pb: 0, pr: 2), 2),
            ["groups 2"] = (D(4, 6, 7, 6, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 2), 2),
            ["groups 3 stride 2"] = (D(6, 7, 7, 9, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1, groups: 3), 2),
            ["pointwise"] = (D(7, 5, 6, 9, 1, 1), 3),
            ["pointwise groups"] = (D(8, 5, 5, 4, 1, 1, groups: 2), 2),
            ["1x1 stride 2"] = (D(5, 7, 7, 6, 1, 1, sh: 2, sw: 2), 2),
            ["depthwise 3x3"] = (D(5, 9, 11, 5, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 5), 2),
            ["depthwise stride2 dil"] = (D(3, 10, 9, 3, 3, 3, sh: 2, sw: 2, pt: 2, pl: 2, pb: 1, pr: 2, dh: 2, dw: 2, groups: 3), 2),
            ["depthwise mult2 5x5"] = (D(3, 12, 13, 6, 5, 5, pt: 2, pl: 2, pb: 2, pr: 2, groups: 3), 2),
            ["single channel 3x3 (grey image stem)"] = (D(1, 12, 11, 6, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 3),
            ["single channel 28x28, split over threads"] = (D(1, 28, 28, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), 4),
            ["indirect rows 16 wide"] = (D(5, 10, 16, 7, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 3),
            ["indirect rows 14 wide, stride 2 down, dilated"] = (D(3, 15, 18, 7, 3, 3, sh: 2, pt: 2, pl: 1, pb: 1, pr: 1, dh: 2, dw: 2), 2),
            ["indirect rows grouped 30 wide"] = (D(4, 5, 30, 14, 2, 3, pt: 0, pl: 1, pb: 1, pr: 1, groups: 2), 2),
            ["indirect rows deep, ragged end under 8"] = (D(3, 3, 100, 7, 1, 3, pl: 1, pr: 1), 2),
            ["indirect rows, sigmoid after the kernel"] = (D(2, 4, 16, 7, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Sigmoid), 2),
            ["indirect rows, relu6 in the kernel"] = (D(2, 4, 14, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6), 2),
            ["indirect rows deep"] = (D(40, 4, 16, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), 1),
            ["indirect positions 14x14"] = (D(5, 14, 14, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 3),
            ["indirect positions stride 2, dilated, 13 of 16 channels"] = (D(4, 19, 17, 13, 3, 3, sh: 2, sw: 2, pt: 2, pl: 1, pb: 1, pr: 2, dh: 2, dw: 2), 2),
            ["indirect positions grouped, 24 channels a group"] = (D(8, 9, 11, 48, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 2), 2),
            ["indirect positions, map split into runs"] = (D(4, 20, 21, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), 2),
            ["indirect positions, sigmoid after the kernel"] = (D(4, 9, 9, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Sigmoid), 2),
            ["indirect positions, relu6, one sample"] = (D(4, 10, 10, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6), 1),
            ["indirect positions wide, 29 of 32 channels, ragged map"] = (D(6, 11, 13, 29, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 2),
            ["indirect positions wide, 56 channels in two blocks, stride 2, dilated"] = (D(5, 19, 17, 56, 3, 3, sh: 2, sw: 2, pt: 2, pl: 1, pb: 1, pr: 2, dh: 2, dw: 2), 2),
            ["indirect positions wide, one sample in runs, sigmoid"] = (D(4, 20, 21, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Sigmoid), 1),
            ["single channel 5x5 stride 2"] = (D(1, 13, 12, 4, 5, 5, sh: 2, sw: 2, pt: 2, pl: 2, pb: 2, pr: 2), 2),
            ["depthwise 3x3 ragged width"] = (D(4, 6, 19, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 4), 2),
            ["small map many samples"] = (D(3, 4, 4, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), 37),
            ["kernel covers input"] = (D(2, 3, 3, 3, 3, 3), 2),
            ["odd map, chunks split mid-sample"] = (D(16, 5, 5, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), 23),
        };

        public static IEnumerable<object[]> CaseNames()
        {
            foreach (string k in Cases.Keys)
            {
                yield return new object[] { k };
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void ForwardMatchesNaive(string name)
        {
            using var pool = TestUtil.PrivatePool();
            var (desc, batch) = Cases[name];
            CheckForward(desc, batch, GemmKernel.Auto, withBias: true);
            CheckForward(desc, batch, GemmKernel.Auto, withBias: false);
        }

        /// <summary>Auto picks one kernel per machine; the algorithms tied to a kernel (indirect rows on AVX2) run here too.</summary>
        [Theory]
        [MemberData(nameof(CaseNames))]
        public void ForwardMatchesNaiveOnEveryKernel(string name)
        {
            using var pool = TestUtil.PrivatePool();
            var (desc, batch) = Cases[name];
            foreach (GemmKernel k in TestUtil.SupportedKernels())
            {
                CheckForward(desc, batch, k, withBias: true);
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void BackwardMatchesNaive(string name)
        {
            using var pool = TestUtil.PrivatePool();
            var (desc, batch) = Cases[name];
            CheckBackward(desc, batch, GemmKernel.Auto);
        }

        [Fact]
        public void EveryKernelGivesTheSameConvolution()
        {
            using var pool = TestUtil.PrivatePool();
            var desc = D(5, 9, 10, 11, 3, 3, sh: 1, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1, groups: 1, act: Activation.Relu);
            foreach (GemmKernel k in TestUtil.SupportedKernels())
            {
                CheckForward(desc, 3, k, withBias: true);
                CheckBackward(desc with { Activation = Activation.None }, 2, k);
            }
        }

        [Theory]
        [InlineData(Activation.Relu)]
        [InlineData(Activation.Relu6)]
        [InlineData(Activation.Sigmoid)]
        [InlineData(Activation.Tanh)]
        [InlineData(Activation.Gelu)]
        public void FusedActivation(Activation act)
        {
            CheckForward(D(3, 6, 6, 4, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: act), 2, GemmKernel.Auto, withBias: true, inputScale: 3f);
            CheckForward(D(4, 6, 6, 4, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 4, act: act), 2, GemmKernel.Auto, withBias: true, inputScale: 3f);
        }

        [Fact]
        public void LargerConvolutionsUseParallelPaths()
        {
            using var pool = TestUtil.PrivatePool();
            // batch 1: one GEMM split over threads (2·64·144·400 flops) with parallel im2col.
            var wide = D(16, 20, 20, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu);
            CheckForward(wide, 1, GemmKernel.Auto, withBias: true);
            CheckBackward(wide with { Activation = Activation.None }, 1, GemmKernel.Auto, samples: 200);
            // batch 5 with chunking: whole GEMMs per thread, then the remainder split.
            var mid = D(8, 12, 12, 16, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1);
            CheckForward(mid, 5, GemmKernel.Auto, withBias: true);
            CheckBackward(mid, 5, GemmKernel.Auto, samples: 200);
            // Small maps, few samples: 16 columns, a GEMM split over output channels.
            var late = D(128, 4, 4, 256, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu);
            foreach (int batch in new[] { 1, 3, 20 })
            {
                CheckForward(late, batch, GemmKernel.Auto, withBias: true);
                CheckBackward(late with { Activation = Activation.None }, batch, GemmKernel.Auto);
            }
        }

        [Theory]
        [InlineData("3x3 stride2 odd")]
        [InlineData("dilated asym pad")]
        [InlineData("rect kernel stride 2x1")]
        [InlineData("1x1 stride 2")]
        public unsafe void ImplicitColumnRowsMatchExplicitIm2Col(string name)
        {
            var (desc, _) = Cases[name];
            var g = ConvGeometry.From(desc);
            int samples = 3;
            float[] x = TestUtil.Random(samples * desc.InputSampleLength, 1);
            int cols = samples * g.OHW;
            var explicitCols = new float[g.KG * cols];
            var row = new float[cols];
            var rnd = new Random(5);
            fixed (float* xp = x)
            fixed (float* cp = explicitCols)
            fixed (float* rp = row)
            {
                for (int s = 0; s < samples; s++)
                {
                    Im2Col.Forward(g, xp + (s * desc.InputSampleLength), 0, g.CG, cp + (s * g.OHW), cols);
                }

                var ctx = new ImplicitColumns { G = g, X = xp, InSample = desc.InputSampleLength };
                for (int trial = 0; trial < 200; trial++)
                {
                    int k = rnd.Next(g.KG);
                    int j0 = rnd.Next(cols);
                    int count = 1 + rnd.Next(cols - j0);
                    Im2Col.FillRow(&ctx, k, j0, count, rp);
                    for (int j = 0; j < count; j++)
                    {
                        Assert.Equal(explicitCols[(k * cols) + j0 + j], row[j]);
                    }
                }
            }
        }

        [Fact]
        public void SmallMapsWithFewSamplesRunTransposed()
        {
            using var pool = TestUtil.PrivatePool();
            // 4x4 maps leave half of a 32-column tile empty; 2x3 maps most of a 16-column one. Depth under 32 (3x3 over 3
            // channels), so that indirect positions does not take the 4x4 map.
            var shapes = new[]
            {
                D(3, 4, 4, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6),
                D(6, 2, 3, 36, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 2, act: Activation.Relu),
                D(128, 4, 4, 96, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1),
            };
            int transposedPlans = 0;
            foreach (GemmKernel k in TestUtil.SupportedKernels())
            {
                foreach (var d in shapes)
                {
                    var plan = new ConvPlan(d, k);
                    transposedPlans += plan.TransposedBelowBatch > 0 ? 1 : 0;
                    foreach (int batch in new[] { 1, 2, 3, plan.SamplesPerGemm + 1 })
                    {
                        CheckForward(d, batch, k, withBias: true);
                        float[] x = TestUtil.Random(batch * d.InputSampleLength, 1), w = TestUtil.Random(d.WeightLength, 2), b = TestUtil.Random(d.OutChannels, 3);
                        var y1 = new float[batch * d.OutputSampleLength];
                        var y2 = new float[y1.Length];
                        plan.Forward(x, w, b, y1, batch);
                        plan.PackWeights(w);
                        plan.ForwardPrepacked(x, b, y2, batch);
                        Assert.Equal(y1, y2);
                    }
                }
            }

            Assert.True(transposedPlans > 0, "no shape exercised the transposed mode on this machine");
            Assert.Equal(4, new ConvPlan(shapes[0], GemmKernel.Vector512x8x32).TransposedBelowBatch);
            Assert.Equal(0, new ConvPlan(shapes[0], GemmKernel.Vector128x8x8).TransposedBelowBatch);
            Assert.True(new ConvPlan(shapes[1], GemmKernel.Vector256x6x16).TransposedBelowBatch > 1);
        }

        [Fact]
        public void PlanPicksTheAlgorithmFromTheShape()
        {
            Assert.Equal(ConvAlgorithm.PointwiseGemm, new ConvPlan(D(8, 8, 8, 16, 1, 1)).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(8, 8, 8, 16, 1, 1, sh: 2, sw: 2)).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(8, 8, 8, 16, 3, 3)).Algorithm);
            Assert.Equal(ConvAlgorithm.Depthwise, new ConvPlan(D(8, 8, 8, 16, 3, 3, groups: 8)).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(8, 8, 8, 16, 3, 3, groups: 4)).Algorithm);
            Assert.Equal(ConvAlgorithm.Depthwise, new ConvPlan(D(1, 28, 28, 32, 3, 3)).Algorithm); // one input plane: a stencil
            // Indirect positions on the AVX2 kernel: channels filling 16-wide tiles, depth >= 32, a window larger than
            // 1x1; any stride, any row width, any map size.
            var avx2 = GemmKernel.Vector256x6x16;
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(64, 32, 32, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(32, 14, 14, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(16, 28, 28, 24, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(256, 8, 8, 256, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm); // KG = 2304
            // Indirect rows: stride-1 rows filling 16-column tiles where positions do not apply (8 of 16 channels, a 3-channel stem).
            Assert.Equal(ConvAlgorithm.IndirectRows, new ConvPlan(D(32, 14, 14, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectRows, new ConvPlan(D(3, 32, 32, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(64, 7, 7, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm); // 49 positions
            // Depth under 32 where rows do not apply: positions on maps of at least 100 positions (a strided stem's 16x16),
            // im2col + GEMM on smaller ones (7x7 and 10x9: 49 and 90).
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(3, 32, 32, 64, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(3, 10, 10, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(3, 10, 9, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(3, 7, 7, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx2).Algorithm);
            // im2col + GEMM: a 1x1 strided projection.
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(64, 32, 32, 128, 1, 1, sh: 2, sw: 2), avx2).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(64, 32, 32, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), GemmKernel.Vector128x8x8).Algorithm);
            // Indirect positions on the AVX-512 kernel: the same rules with 32-channel tiles (24 of 32 is enough, 16 is not).
            var avx512 = GemmKernel.Vector512x8x32;
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(64, 32, 32, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx512).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(32, 14, 14, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx512).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(16, 28, 28, 24, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1), avx512).Algorithm);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, new ConvPlan(D(32, 14, 14, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx512).Algorithm);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(512, 4, 4, 512, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx512).Algorithm);
            // No indirect rows on AVX-512: a 3-channel stem (depth 27) runs on positions.
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(D(3, 32, 32, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), avx512).Algorithm);
            var late = new ConvPlan(Conv2DDescriptor.Square(8, 4, 4, 512, 3, padding: 1, groups: 2)); // depth 36 per group, 256 channels: positions
            Assert.Equal(1, late.SamplesPerGemm);
            var narrow = new ConvPlan(Conv2DDescriptor.Square(3, 4, 4, 512, 3, padding: 1));
            Assert.Equal(ConvAlgorithm.Im2ColGemm, narrow.Algorithm);
            Assert.Equal(16, narrow.SamplesPerGemm);
            Assert.Equal(1, new ConvPlan(Conv2DDescriptor.Square(64, 32, 32, 64, 3, padding: 1)).SamplesPerGemm);
        }

        public static IEnumerable<object[]> SmallMapCases() => new[]
        {
            // name, shape, batches: ragged channel blocks (72 = 2 x 32 + 8, 40, 48), maps of 15, 4, 1 and 49 positions.
            new object[] { "5x3 map, 72 channels", D(40, 5, 3, 72, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), new[] { 1, 2, 7, 33 } },
            new object[] { "2x2 map, stride 2, 48 channels", D(36, 4, 4, 48, 3, 3, sh: 2, sw: 2, pt: 1, pl: 1, pb: 1, pr: 1), new[] { 1, 5, 61 } },
            new object[] { "1x1 map, 3x3 window, 96 channels", D(32, 3, 3, 96, 3, 3, act: Activation.Relu6), new[] { 1, 3, 130 } },
            new object[] { "7x7 map, 2 groups of 40 channels", D(64, 7, 7, 80, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 2), new[] { 1, 2, 9 } },
            new object[] { "4x4 map, 512 channels (ResNet-18's last stage)", D(512, 4, 4, 512, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), new[] { 1, 7 } },
        };

        /// <summary>
        /// Small maps on indirect positions: several samples to a task (positions flattened across them), or at a batch of
        /// one the output channels split over the threads; both against the naive convolution, on every kernel here.
        /// </summary>
        [Theory]
        [MemberData(nameof(SmallMapCases))]
        public void SmallMapsRunSeveralSamplesToATaskOrSplitTheirChannels(string name, Conv2DDescriptor d, int[] batches)
        {
            using var pool = TestUtil.PrivatePool();
            foreach (var kernel in TestUtil.SupportedKernels())
            {
                foreach (int batch in batches)
                {
                    CheckForward(d, batch, kernel, withBias: true);
                }
            }

            // The model really takes both paths for these shapes (3 threads, as in the pool above).
            var g = ConvGeometry.From(d);
            int blocks = (g.MG + PositionConv.Kernel512.NR - 1) / PositionConv.Kernel512.NR; // the AVX-512 tile's channel blocks
            var chunked = CpuConvModel.PositionTasks(g.OHW, batches[^1], g.G, 3, blocks, (long)g.MG * g.KG, PositionConv.ScratchLength(g));
            Assert.True(chunked.Samples > 1, $"{name}: batch {batches[^1]} ran one sample a task");
            Assert.True(chunked.Samples * g.OHW <= CpuConvModel.PositionsPerTask, name);
            if ((long)g.MG * g.KG > PositionConv.ScratchLength(g) && g.G == 1)
            {
                var split = CpuConvModel.PositionTasks(g.OHW, 1, g.G, 3, blocks, (long)g.MG * g.KG, PositionConv.ScratchLength(g));
                Assert.Equal(1, split.Samples);
                Assert.True(split.ChannelSplits > 1, $"{name}: batch 1 did not split the channels");
            }
        }

        public static IEnumerable<object[]> ShallowPositionsCases() => new[]
        {
            // name, shape, the AVX2 kernel's algorithm (indirect rows keep the stem there).
            new object[] { "3-channel stem 32x32 -> 64 (ResNet-18, CIFAR), relu", D(3, 32, 32, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), ConvAlgorithm.IndirectRows },
            new object[] { "2 channels, 2x2 stride 2 on 30x26 (depth 8), relu6", D(2, 30, 26, 32, 2, 2, sh: 2, sw: 2, act: Activation.Relu6), ConvAlgorithm.IndirectPositions },
            new object[] { "asymmetric padding, row dilation 2, 24 channels, 17x21", D(3, 17, 21, 24, 3, 3, pt: 2, pl: 0, pb: 1, pr: 2, dh: 2), ConvAlgorithm.IndirectPositions },
            new object[] { "2 groups of 3 channels, 32 outputs each, 12x12", D(6, 12, 12, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 2, act: Activation.Relu), ConvAlgorithm.IndirectPositions },
        };

        /// <summary>
        /// Layers less than 32 deep on maps of at least <see cref="CpuConvModel.ShallowPositionsMinMap"/> positions run on
        /// indirect positions (AVX-512 always; AVX2 where indirect rows do not apply), against the naive convolution on
        /// every kernel here.
        /// </summary>
        [Theory]
        [MemberData(nameof(ShallowPositionsCases))]
        public void ShallowLayersRunOnIndirectPositions(string name, Conv2DDescriptor d, ConvAlgorithm onAvx2)
        {
            Assert.True(d.Shape.Depth < 32, name);
            Assert.True(d.Shape.Positions >= CpuConvModel.ShallowPositionsMinMap, name);
            Assert.Equal(ConvAlgorithm.IndirectPositions, new ConvPlan(d, GemmKernel.Vector512x8x32).Algorithm);
            Assert.Equal(onAvx2, new ConvPlan(d, GemmKernel.Vector256x6x16).Algorithm);
            using var pool = TestUtil.PrivatePool();
            foreach (var kernel in TestUtil.SupportedKernels())
            {
                foreach (int batch in new[] { 1, 2, 5 })
                {
                    CheckForward(d, batch, kernel, withBias: true);
                }
            }
        }

        public static IEnumerable<object[]> PoolFusionCases() => new[]
        {
            new object[] { "grey stem 28x28, relu", D(1, 28, 28, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 3 },
            new object[] { "depthwise, odd map, sigmoid", D(4, 11, 13, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 4, act: Activation.Sigmoid), 2 },
            new object[] { "grey stem pooled in registers, odd 21x35 map (a flush last step), relu6", D(1, 21, 35, 8, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6), 2 },
            new object[] { "depthwise, two outputs per channel pooled in registers, no activation", D(3, 16, 18, 6, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, groups: 3), 2 },
            new object[] { "positions 14x14, relu", D(32, 14, 14, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 3 },
            new object[] { "Winograd, odd map drops its last tile row and column, relu6", D(64, 15, 13, 24, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6), 4 },
            new object[] { "Winograd, 32x32 in bands, relu", D(64, 32, 32, 32, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 2 },
            new object[] { "positions, one sample split into row pairs", D(8, 14, 14, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 1 },
            new object[] { "positions, odd map drops its last row and column", D(5, 15, 15, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6), 2 },
            new object[] { "positions, wide map in several runs, gelu", D(4, 36, 30, 13, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Gelu), 2 },
            new object[] { "positions, 48 channels (a ragged 32-channel block), odd map", D(6, 13, 15, 48, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 2 },
            new object[] { "positions at batch 1, channels shared over the threads (the Fashion CNN's second layer)", D(32, 14, 14, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 1 },
            new object[] { "positions at batch 1, ragged channel blocks, odd map", D(6, 13, 15, 48, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu6), 1 },
            new object[] { "positions at batch 1, channel shares over five runs of pooled rows, the last ragged", D(16, 36, 30, 160, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 1 },
            new object[] { "positions at batch 1, row pairs too wide for channel shares over whole maps", D(16, 14, 70, 160, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1, act: Activation.Relu), 1 },
        };

        /// <summary>A max pool in the convolution's epilogue gives exactly the pooling layer's values on the convolution's output.</summary>
        [Theory]
        [MemberData(nameof(PoolFusionCases))]
        public void FusedMaxPoolEqualsPoolingTheOutput(string name, Conv2DDescriptor d, int batch)
        {
            using var pool = TestUtil.PrivatePool();
            var pooling = Pool2DDescriptor.Square(d.OutChannels, d.OutHeight, d.OutWidth, 2);
            int fused = 0;
            foreach (var kernel in TestUtil.SupportedKernels())
            {
                var plan = new ConvPlan(d, kernel);
                if (plan.CanFuseMaxPool(pooling))
                {
                    Assert.True(!name.Contains("Winograd") || (plan.WinogradFromBatch > 0 && batch >= plan.WinogradFromBatch), $"{name}: {kernel} does not run Winograd at batch {batch}");
                    CheckFusedMaxPool(plan, d, pooling, batch);
                    fused++;
                }
            }

            // Only without AVX2 (the fast pooling window and the positions kernels need it) does no kernel take the pool.
            Assert.True(fused > 0 || !Avx2.IsSupported, $"{name}: no kernel took the pool");
        }

        private static void CheckFusedMaxPool(ConvPlan plan, Conv2DDescriptor d, Pool2DDescriptor pooling, int batch)
        {
            float[] x = TestUtil.Random(batch * d.InputSampleLength, 1, -2f, 2f);
            plan.PackWeights(TestUtil.Random(d.WeightLength, 2));
            float[] b = TestUtil.Random(d.OutChannels, 3);
            var y = new float[batch * d.OutputSampleLength];
            plan.ForwardPrepacked(x, b, y, batch);
            var expected = new float[batch * d.OutChannels * pooling.OutHeight * pooling.OutWidth];
            Pooling.MaxForward(pooling, y, expected, Span<int>.Empty, batch);
            var fused = TestUtil.Random(expected.Length, 4); // garbage: must be overwritten
            plan.ForwardPrepackedMaxPool(x, b, pooling, fused, batch);
            Assert.Equal(expected, fused); // from WinogradFromBatch both run Winograd, which pools its 2x2 tiles
        }

        [Fact]
        public void OnlyTwoByTwoMaxPoolsOfSomeAlgorithmsFuse()
        {
            var positions = new ConvPlan(D(32, 14, 14, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), GemmKernel.Vector256x6x16);
            Assert.False(positions.CanFuseMaxPool(Pool2DDescriptor.Square(64, 14, 14, 3, 3)));   // 3x3 windows
            Assert.False(positions.CanFuseMaxPool(Pool2DDescriptor.Square(64, 14, 14, 2, 1)));   // stride 1
            Assert.False(positions.CanFuseMaxPool(Pool2DDescriptor.Square(64, 14, 14, 2, 2, 1))); // padded
            Assert.False(positions.CanFuseMaxPool(Pool2DDescriptor.Square(32, 14, 14, 2)));      // not this output
            var im2col = new ConvPlan(D(64, 7, 7, 64, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), GemmKernel.Vector128x8x8);
            Assert.Equal(ConvAlgorithm.Im2ColGemm, im2col.Algorithm);
            Assert.False(im2col.CanFuseMaxPool(Pool2DDescriptor.Square(64, 7, 7, 2)));
            var wide = new ConvPlan(D(4, 4, 130, 16, 3, 3, pt: 1, pl: 1, pb: 1, pr: 1), GemmKernel.Vector256x6x16); // a row pair is 260 positions
            Assert.Equal(ConvAlgorithm.IndirectPositions, wide.Algorithm);
            Assert.False(wide.CanFuseMaxPool(Pool2DDescriptor.Square(16, 4, 130, 2)));
            var y = new float[16 * 2 * 65];
            Assert.Throws<ArgumentException>(() => im2col.ForwardPrepackedMaxPool(new float[64 * 49], default, Pool2DDescriptor.Square(64, 7, 7, 2), y, 1));
        }

        [Fact]
        public void PrepackedWeightsGiveTheSameOutput()
        {
            foreach (var desc in new[] { Cases["3x3 pad1"].Desc, Cases["depthwise 3x3"].Desc, Cases["pointwise"].Desc })
            {
                var plan = new ConvPlan(desc);
                float[] x = TestUtil.Random(2 * desc.InputSampleLength, 1);
                float[] w = TestUtil.Random(desc.WeightLength, 2);
                float[] b = TestUtil.Random(desc.OutChannels, 3);
                var y1 = new float[2 * desc.OutputSampleLength];
                var y2 = new float[y1.Length];
                plan.Forward(x, w, b, y1, 2);
                Assert.Throws<InvalidOperationException>(() => plan.ForwardPrepacked(x, b, y2, 2));
                plan.PackWeights(w);
                plan.ForwardPrepacked(x, b, y2, 2);
                Assert.Equal(y1, y2);
            }
        }

        [Fact]
        public void RejectsWrongSizes()
        {
            var desc = Cases["3x3 pad1"].Desc;
            var plan = new ConvPlan(desc);
            var w = new float[desc.WeightLength];
            Assert.Throws<ArgumentException>(() => plan.Forward(new float[10], w, default, new float[2 * desc.OutputSampleLength], 2));
            Assert.Throws<ArgumentException>(() => new ConvPlan(D(3, 7, 7, 5, 3, 3, groups: 2)));
            Assert.Throws<ArgumentException>(() => new ConvPlan(D(3, 2, 2, 5, 3, 3)));
        }

        [Theory]
        [InlineData("3x3 pad1")]
        [InlineData("3x3 stride2 odd")]
        [InlineData("dilated asym pad")]
        [InlineData("groups 3 stride 2")]
        [InlineData("pointwise")]
        [InlineData("depthwise stride2 dil")]
        [InlineData("depthwise mult2 5x5")]
        [InlineData("small map many samples")]
        public void GradientsMatchFiniteDifferences(string name)
        {
            using var pool = TestUtil.PrivatePool();
            var (desc, batch) = Cases[name];
            batch = Math.Min(batch, 18);
            var plan = new ConvPlan(desc);
            float[] x = TestUtil.Random(batch * desc.InputSampleLength, 1);
            float[] w = TestUtil.Random(desc.WeightLength, 2);
            float[] b = TestUtil.Random(desc.OutChannels, 3);
            float[] r = TestUtil.Random(batch * desc.OutputSampleLength, 4);
            var y = new float[r.Length];
            double Loss()
            {
                plan.Forward(x, w, b, y, batch);
                return TestUtil.Dot(y, r);
            }

            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            plan.Backward(x, w, r, dx, dw, db, batch);
            TestUtil.CheckGradient(x, dx, Loss, name + " dx");
            TestUtil.CheckGradient(w, dw, Loss, name + " dw");
            TestUtil.CheckGradient(b, db, Loss, name + " db");
        }

        private static void CheckForward(Conv2DDescriptor d, int batch, GemmKernel kernel, bool withBias, float inputScale = 1f)
        {
            var plan = new ConvPlan(d, kernel);
            float[] x = TestUtil.Random(batch * d.InputSampleLength, 1, -inputScale, inputScale);
            float[] w = TestUtil.Random(d.WeightLength, 2);
            float[] b = withBias ? TestUtil.Random(d.OutChannels, 3) : Array.Empty<float>();
            var y = TestUtil.Random(batch * d.OutputSampleLength, 4); // garbage: must be overwritten
            plan.Forward(x, w, b, y, batch);
            var (expected, scale) = NaiveForward(d, batch, x, w, b);
            TestUtil.AssertClose(expected, y, 1e-4, 1e-5, scale, $"{d} batch {batch} {kernel}");
        }

        private static void CheckBackward(Conv2DDescriptor d, int batch, GemmKernel kernel, int samples = 0)
        {
            var plan = new ConvPlan(d, kernel);
            float[] x = TestUtil.Random(batch * d.InputSampleLength, 1);
            float[] w = TestUtil.Random(d.WeightLength, 2);
            float[] dy = TestUtil.Random(batch * d.OutputSampleLength, 5);
            var dx = TestUtil.Random(x.Length, 6);
            var dw = TestUtil.Random(w.Length, 7);
            var db = TestUtil.Random(d.OutChannels, 8);
            plan.Backward(x, w, dy, dx, dw, db, batch);
            var (edx, edw, edb, sdx, sdw) = NaiveBackward(d, batch, x, w, dy);
            TestUtil.AssertClose(edx, dx, 1e-4, 1e-5, sdx, $"{d} dx");
            TestUtil.AssertClose(edw, dw, 1e-4, 1e-5, sdw, $"{d} dw");
            TestUtil.AssertClose(edb, db, 1e-4, 1e-4, default, $"{d} db");

            // Each gradient can be skipped alone.
            var dx2 = new float[x.Length];
            plan.Backward(x, w, dy, dx2, default, default, batch);
            Assert.Equal(dx, dx2);
            var dw2 = new float[w.Length];
            plan.Backward(x, w, dy, default, dw2, default, batch);
            Assert.Equal(dw, dw2);
            _ = samples;
        }

        internal static (double[] Y, double[] Scale) NaiveForward(Conv2DDescriptor d, int batch, float[] x, float[] w, float[] b)
        {
            int oh = d.OutHeight, ow = d.OutWidth, cg = d.InChannels / d.Groups, mg = d.OutChannels / d.Groups;
            var y = new double[batch * d.OutputSampleLength];
            var scale = new double[y.Length];
            for (int n = 0; n < batch; n++)
            {
                for (int oc = 0; oc < d.OutChannels; oc++)
                {
                    int g = oc / mg;
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            double s = b.Length > 0 ? b[oc] : 0, mag = Math.Abs(s);
                            for (int c = 0; c < cg; c++)
                            {
                                for (int kh = 0; kh < d.KernelHeight; kh++)
                                {
                                    for (int kw = 0; kw < d.KernelWidth; kw++)
                                    {
                                        int ih = (i * d.StrideHeight) - d.PadTop + (kh * d.DilationHeight);
                                        int iw = (j * d.StrideWidth) - d.PadLeft + (kw * d.DilationWidth);
                                        if (ih < 0 || ih >= d.InHeight || iw < 0 || iw >= d.InWidth)
                                        {
                                            continue;
                                        }

                                        double xv = x[((((n * d.InChannels) + (g * cg) + c) * d.InHeight) + ih) * d.InWidth + iw];
                                        double wv = w[((((oc * cg) + c) * d.KernelHeight) + kh) * d.KernelWidth + kw];
                                        s += xv * wv;
                                        mag += Math.Abs(xv * wv);
                                    }
                                }
                            }

                            int o = ((((n * d.OutChannels) + oc) * oh) + i) * ow + j;
                            y[o] = TestUtil.Act(d.Activation, s);
                            scale[o] = Math.Max(mag, Math.Abs(y[o]));
                        }
                    }
                }
            }

            return (y, scale);
        }

        private static (double[] Dx, double[] Dw, double[] Db, double[] Sdx, double[] Sdw) NaiveBackward(Conv2DDescriptor d, int batch, float[] x, float[] w, float[] dy)
        {
            int oh = d.OutHeight, ow = d.OutWidth, cg = d.InChannels / d.Groups, mg = d.OutChannels / d.Groups;
            var dx = new double[x.Length];
            var dw = new double[w.Length];
            var db = new double[d.OutChannels];
            var sdx = new double[x.Length];
            var sdw = new double[w.Length];
            for (int n = 0; n < batch; n++)
            {
                for (int oc = 0; oc < d.OutChannels; oc++)
                {
                    int g = oc / mg;
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            double gy = dy[((((n * d.OutChannels) + oc) * oh) + i) * ow + j];
                            db[oc] += gy;
                            for (int c = 0; c < cg; c++)
                            {
                                for (int kh = 0; kh < d.KernelHeight; kh++)
                                {
                                    for (int kw = 0; kw < d.KernelWidth; kw++)
                                    {
                                        int ih = (i * d.StrideHeight) - d.PadTop + (kh * d.DilationHeight);
                                        int iw = (j * d.StrideWidth) - d.PadLeft + (kw * d.DilationWidth);
                                        if (ih < 0 || ih >= d.InHeight || iw < 0 || iw >= d.InWidth)
                                        {
                                            continue;
                                        }

                                        int xi = ((((n * d.InChannels) + (g * cg) + c) * d.InHeight) + ih) * d.InWidth + iw;
                                        int wi = ((((oc * cg) + c) * d.KernelHeight) + kh) * d.KernelWidth + kw;
                                        dx[xi] += w[wi] * gy;
                                        sdx[xi] += Math.Abs(w[wi] * gy);
                                        dw[wi] += x[xi] * gy;
                                        sdw[wi] += Math.Abs(x[xi] * gy);
                                    }
                                }
                            }
                        }
                    }
                }
            }

            return (dx, dw, db, sdx, sdw);
        }
    }
}
